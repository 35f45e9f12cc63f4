-- Lex Sarah (domain.md §3.2, doc/lex_sarah.md): every rule broken once and
-- refused with its SQLSTATE and a message naming the object and what is
-- missing; the whole path from report to IVO's answer; early close; the
-- legal basis by event date; append-only records; access by role and
-- organisation.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(192);

SET LOCAL sqm.frozen_now = '2025-09-15 10:00+02';
SELECT sqm.create_roles() \g /dev/null
SELECT sqm.create_organisation('Test', 'SN') AS org \gset
SELECT sqm.create_unit(:org, 'Förvaltningen', 'administration', '2024-01-01') AS adm \gset
SELECT sqm.create_unit(:org, 'Enhet A', 'unit', '2024-01-01', :adm) AS ua \gset
SELECT sqm.create_unit(:org, 'Enhet B', 'unit', '2024-01-01', :adm) AS ub \gset
SELECT sqm.add_deviation_type(:org, 'info', 'Information', 'Information', '2024-01-01');
SELECT sqm.add_lex_sarah_theme(:org, 'bemotande', 'Bemötande', 'Treatment', '2024-01-01');
SELECT sqm.add_lex_sarah_theme(:org, 'lakemedel', 'Läkemedelshantering', 'Medication', '2024-01-01');
SELECT sqm.create_organisation('Annan', 'SN') AS orgb \gset
SELECT sqm.create_unit(:orgb, 'Enhet B1', 'unit', '2024-01-01') AS b1 \gset

CREATE ROLE tls_reporter IN ROLE sqm_reporter;
CREATE ROLE tls_manager IN ROLE sqm_unit_manager;
CREATE ROLE tls_investigator IN ROLE sqm_investigator;
CREATE ROLE tls_coordinator IN ROLE sqm_quality_coordinator;
CREATE ROLE tls_coordinator_b IN ROLE sqm_quality_coordinator;
CREATE ROLE tls_reader IN ROLE sqm_report_reader;
SELECT sqm.grant_membership(:org, 'tls_reporter', 'reporter', :ua);
SELECT sqm.grant_membership(:org, 'tls_manager', 'unit_manager', :ua);
SELECT sqm.grant_membership(:org, 'tls_investigator', 'investigator');
SELECT sqm.grant_membership(:org, 'tls_coordinator', 'quality_coordinator');
SELECT sqm.grant_membership(:orgb, 'tls_coordinator_b', 'quality_coordinator');
SELECT sqm.grant_membership(:org, 'tls_reader', 'report_reader');

-- Run a statement as a role: 'ok', or the SQLSTATE and message it failed with.
CREATE FUNCTION pg_temp.as_role(r text, q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('SET LOCAL ROLE %I', r);
    BEGIN
        EXECUTE q;
    EXCEPTION WHEN OTHERS THEN
        RESET ROLE;
        RETURN SQLSTATE || ': ' || SQLERRM;
    END;
    RESET ROLE;
    RETURN 'ok';
END $$;
CREATE FUNCTION pg_temp.state_as(r text, q text) RETURNS text LANGUAGE sql AS $$
    SELECT split_part(pg_temp.as_role(r, q), ':', 1)
$$;
-- A value as seen by a role.
CREATE FUNCTION pg_temp.value_as(r text, q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE v text;
BEGIN
    EXECUTE format('SET LOCAL ROLE %I', r);
    EXECUTE q INTO v;
    RESET ROLE;
    RETURN v;
END $$;

-- ------------------------------------------------------------ outcome
SELECT is(enum_range(NULL::sqm.lex_sarah_outcome)::text,
          '{no_impropriety,risk_of_impropriety,impropriety,risk_of_serious_impropriety,serious_impropriety}',
          'outcomes are ordered by severity');
SELECT is((SELECT array_agg(sqm.is_serious(o) ORDER BY o) FROM unnest(enum_range(NULL::sqm.lex_sarah_outcome)) o)::text,
          '{f,f,f,t,t}', 'the two most severe outcomes are serious');
SELECT is((SELECT provolatile FROM pg_proc WHERE oid = 'sqm.is_serious(sqm.lex_sarah_outcome)'::regprocedure), 'i',
          'sqm.is_serious is IMMUTABLE');

-- ------------------------------------------------------------ legal basis by event date
SELECT is(sqm.report_lex_sarah(:org, :ua, 'SoL', '2025-06-30 23:30+02', 'Händelse', 'A', 'B', '2025-07-02 08:00+02')
          IS NOT NULL, true, 'a report is made');
SELECT is((SELECT legal_basis FROM sqm.lex_sarah_report r WHERE r.org_id = :org AND r.happened_at = '2025-06-30 23:30+02'),
          'sol_2001_ch14', 'SoL, event on 30 June 2025: chapter 14 of the old act (2001:453)');
SELECT sqm.report_lex_sarah(:org, :ua, 'SoL', '2025-07-01 00:30+02', 'Händelse', 'A', 'B', '2025-07-02 08:00+02') AS lb2 \gset
SELECT is((SELECT legal_basis FROM sqm.lex_sarah_report WHERE id = :lb2), 'sol_2025_ch27',
          'SoL, event on 1 July 2025: chapter 27 of the new act (2025:400)');
SELECT sqm.report_lex_sarah(:org, :ua, 'SoL', '2025-06-30 23:30+00', 'Händelse', 'A', 'B', '2025-07-02 08:00+02') AS lb3 \gset
SELECT is((SELECT legal_basis FROM sqm.lex_sarah_report WHERE id = :lb3), 'sol_2025_ch27',
          'the event date is taken in the organisation''s time zone (23:30 UTC on 30 June is 1 July in Stockholm)');
SELECT sqm.report_lex_sarah(:org, :ua, 'LSS', '2025-06-30 12:00+02', 'Händelse', 'A', 'B', '2025-07-02 08:00+02') AS lb4 \gset
SELECT is((SELECT legal_basis FROM sqm.lex_sarah_report WHERE id = :lb4), 'lss_24b_24g',
          'LSS, event on 30 June 2025: 24 b–24 g §§ LSS');
SELECT sqm.report_lex_sarah(:org, :ua, 'LSS', '2025-07-01 12:00+02', 'Händelse', 'A', 'B', '2025-07-02 08:00+02') AS lb5 \gset
SELECT is((SELECT legal_basis FROM sqm.lex_sarah_report WHERE id = :lb5), 'lss_sol_2025_ch27',
          'LSS, event on 1 July 2025: chapter 27 of the new act (2025:400)');
SELECT is((SELECT citation FROM sqm.legal_basis WHERE code = 'sol_2025_ch27'), '27 kap. socialtjänstlagen (2025:400)',
          'the basis is data, with its citation');
SELECT throws_ok(format($$INSERT INTO sqm.lex_sarah_report (org_id, state, unit_id, regime, happened_at, reported_at, legal_basis)
                          VALUES (%s, 'reported', %s, 'SoL', '2025-06-30 12:00+02', '2025-07-02', 'sol_2025_ch27')$$, :org, :ua),
                 '23514', NULL, 'a basis that was not in force on the event date is refused, even directly');
SELECT throws_ok(format($$INSERT INTO sqm.lex_sarah_report (org_id, id, state, unit_id, regime, happened_at, reported_at)
                          VALUES (%s, -7, 'reported', %s, 'SoL', '2025-06-30 12:00+02', '2025-07-02')$$, :org, :ua),
                 '23502', 'lex Sarah report -7 has no legal basis',
                 'a report without its basis is refused, even directly: the row check never fills it in');
SELECT is(sqm.lex_sarah_legal_basis(:org, 'SoL', '2025-06-30 12:00+02'), 'sol_2001_ch14', 'sqm.lex_sarah_legal_basis chooses it');

-- ------------------------------------------------------------ reports
SELECT throws_ok(format($$SELECT sqm.report_lex_sarah(%s, %s, 'HSL', '2025-09-01', 'x', 'A', 'B')$$, :org, :ua),
                 '23514', format('lex Sarah report %s cannot be made under HSL', currval('sqm.case_id_seq') + 1),
                 'a regime other than SoL/LSS is refused (the row check)');
SELECT throws_ok(format($$SELECT sqm.report_lex_sarah(%s, %s, 'SoL', '2025-09-01', 'x', ' ', 'B')$$, :org, :ua),
                 '23502', 'a lex Sarah report needs the reporter''s name and title', 'a report without the reporter''s name is refused');
SELECT throws_ok(format($$SELECT sqm.report_lex_sarah(%s, %s, 'SoL', '2025-09-01', '', 'A', 'B')$$, :org, :ua),
                 '23502', NULL, 'a report without a description is refused');
SELECT throws_ok(format($$SELECT sqm.report_lex_sarah(%s, %s, 'SoL', '2025-09-10', 'x', 'A', 'B', '2025-09-09')$$, :org, :ua),
                 '23514', NULL, 'an event after the report is refused');
SELECT throws_ok(format($$SELECT sqm.report_lex_sarah(%s, %s, 'SoL', '2025-09-10', 'x', 'A', 'B', '2025-09-20')$$, :org, :ua),
                 '23514', NULL, 'a report dated in the future is refused');
SELECT throws_ok(format($$SELECT sqm.report_lex_sarah(%s, %s, 'SoL', '2025-09-10', 'x', 'A', 'B', NULL, 'deviation')$$, :org, :ua),
                 '22023', 'a lex Sarah report made directly comes from staff or a complaint, not deviation',
                 'a report from a deviation is not made directly (it is made by escalating the deviation)');
SELECT throws_ok(format($$SELECT sqm.report_lex_sarah(%s, %s, 'SoL', '2025-09-10', 'x', 'A', 'B', NULL, 'rykte')$$, :org, :ua),
                 '22023', NULL, 'an unknown source is refused');

SELECT sqm.report_lex_sarah(:org, :ua, 'SoL', '2025-09-01 08:00+02', 'Brukaren fick fel läkemedel', 'Anna Andersson',
                            'Undersköterska', '2025-09-01 09:00+02') AS r1 \gset
SELECT is((SELECT (state, source, legal_basis, received_at IS NULL)::text FROM sqm.lex_sarah_report WHERE id = :r1),
          '(reported,staff,sol_2025_ch27,t)', 'a staff report starts as reported, not yet received');
SELECT is((SELECT name || ', ' || title FROM sqm.lex_sarah_reporter WHERE report_id = :r1), 'Anna Andersson, Undersköterska',
          'the reporter is kept apart from the report');
SELECT is((SELECT count(*) FROM sqm.audit_event e WHERE e.object_id = :r1 AND e.after ? 'name'), 0::bigint,
          'the reporter''s identity is not in the report''s audit event');

-- a deviation of unit B escalated to lex Sarah
SELECT sqm.report_deviation(:org, :ub, 'SoL', '2025-09-01 08:00+02', 'Fel läkemedel gavs', '{info}', '2025-09-01 09:30+02') AS dev \gset
SELECT sqm.triage_deviation(:org, :dev, 'reported', 'high');
SELECT sqm.escalate_deviation(:org, :dev, 'triaged',
                              '{"description": "Samma händelse sedd från enhet B", "reporter_name": "Bo Berg",
                                "reporter_title": "Enhetschef", "reported_at": "2025-09-01 10:00+02"}') AS r2 \gset
SELECT is((SELECT (r.source, r.unit_id = :ub, r.reported_at = '2025-09-01 10:00+02')::text FROM sqm.lex_sarah_report r WHERE r.id = :r2),
          '(deviation,t,t)', 'escalating a deviation makes a lex Sarah report from it, of its unit');
SELECT ok(sqm.case_linked(:org, 'deviation', :dev, 'escalated_to', 'lex_sarah_report')
          AND EXISTS (SELECT FROM sqm.case_link l WHERE l.from_id = :dev AND l.to_id = :r2),
          'the deviation is linked to the lex Sarah report it led to');
SELECT is((SELECT state FROM sqm.deviation WHERE id = :dev), 'escalated', 'the deviation stays a deviation, escalated');
SELECT throws_ok(format($$SELECT sqm.escalate_deviation(%s, %s, 'triaged', '{"reporter_name": "A", "reporter_title": "B"}')$$, :orgb, :dev),
                 '42704', NULL, 'a deviation of another organisation cannot be escalated');

-- receipt and routing
SELECT throws_ok(format($$SELECT sqm.receive_lex_sarah(%s, %s, '2025-08-01')$$, :org, :r1), '23514',
                 format('lex Sarah report %s cannot be received at %s', :r1, '2025-08-01'::timestamptz),
                 'a receipt before the report is refused');
SELECT lives_ok(format($$SELECT sqm.receive_lex_sarah(%s, %s, '2025-09-01 12:00+02')$$, :org, :r1), 'the investigating function receives a report');
SELECT is((SELECT received_at FROM sqm.lex_sarah_report WHERE id = :r1), '2025-09-01 12:00+02'::timestamptz, 'when it was received is kept');
SELECT is((SELECT change FROM sqm.audit_event WHERE object_id = :r1 ORDER BY seq DESC LIMIT 1), 'edit', 'the receipt is audited as an edit');
SELECT is((SELECT (waited, overdue)::text FROM sqm.lex_sarah_unassigned WHERE report_id = :r1), '("14 days 01:00:00",t)',
          'an unassigned report shows how long it waited and that the 1-day default target has passed');
SELECT throws_ok(format($$SELECT sqm.set_lex_sarah_routing_target(%s, '-1 hour')$$, :org), '22023', NULL,
                 'a negative routing target is refused');
SELECT sqm.set_lex_sarah_routing_target(:org, '30 days');
SELECT is((SELECT overdue FROM sqm.lex_sarah_unassigned WHERE report_id = :r1), false, 'a routing target of 30 days has not passed');
SELECT sqm.set_lex_sarah_routing_target(:org, '1 day');
SELECT is((SELECT array_agg(attname::text ORDER BY attnum) FROM pg_attribute
            WHERE attrelid = 'sqm.lex_sarah_unassigned'::regclass AND attnum > 0),
          ARRAY['org_id', 'report_id', 'unit_id', 'reported_at', 'waited', 'overdue'], 'the routing view has no free text and no reporter');

-- ------------------------------------------------------------ an investigation of two reports from two units
SELECT sqm.report_lex_sarah(:org, :ua, 'SoL', '2025-09-02', 'Annan händelse', 'C', 'D', '2025-09-02 10:00+02') AS r3 \gset
SELECT throws_ok(format($$SELECT sqm.open_lex_sarah_investigation(%s, %s, '{}')$$, :org, :ua), '22023', NULL,
                 'an investigation without a report is refused');
SELECT throws_ok(format($$SELECT sqm.open_lex_sarah_investigation(%s, %s, ARRAY[%s, %s])$$, :org, :ua, :r1, :r1), '22023', NULL,
                 'an investigation naming a report twice is refused');
SELECT sqm.open_lex_sarah_investigation(:org, :ua, ARRAY[:r1, :r2]) AS inv \gset
SELECT is((SELECT string_agg(format('%s:%s:%s', unit_id, state, investigation_id = :inv), ' ' ORDER BY id) FROM sqm.lex_sarah_report WHERE id IN (:r1, :r2)),
          format('%s:assigned:t %s:assigned:t', :ua, :ub), 'one investigation covers two reports from two units');
SELECT is((SELECT received_at FROM sqm.lex_sarah_report WHERE id = :r2), sqm.now(), 'assignment counts as receipt when none was recorded');
SELECT is((SELECT count(*) FROM sqm.lex_sarah_unassigned WHERE report_id IN (:r1, :r2)), 0::bigint, 'assigned reports leave the routing view');
SELECT throws_ok(format($$SELECT sqm.open_lex_sarah_investigation(%s, %s, ARRAY[%s, %s])$$, :org, :ua, :r3, :r1), 'SQ004',
                 format('lex Sarah report %s is already assigned to lex Sarah investigation %s', :r1, :inv),
                 'a report already assigned cannot be covered by a second investigation');
SELECT is((SELECT state FROM sqm.lex_sarah_report WHERE id = :r3), 'reported', 'all or nothing: the other report stays unassigned');
SELECT is((SELECT count(*) FROM sqm.lex_sarah_investigation WHERE org_id = :org), 1::bigint, 'and no investigation was opened');
SELECT throws_ok(format($$SELECT sqm.assign_lex_sarah_report(%s, %s, %s)$$, :org, :r2, :inv), 'SQ004',
                 format('lex Sarah report %s is already assigned to lex Sarah investigation %s', :r2, :inv),
                 'assigning an assigned report again is refused');
SELECT throws_ok(format($$UPDATE sqm.lex_sarah_report SET investigation_id = NULL WHERE id = %s$$, :r1), 'SQ004', NULL,
                 'an assigned report never changes, even directly');
SELECT throws_ok(format($$UPDATE sqm.lex_sarah_report SET state = 'assigned' WHERE id = %s$$, :r3), 'SQ002', NULL,
                 'a report is assigned only with its investigation');
SELECT throws_ok(format($$SELECT sqm.assess_lex_sarah(%s, %s, 'opened', 'impropriety')$$, :org, :inv), 'SQ001', NULL,
                 'an opened investigation is not assessed before it is started');
SELECT lives_ok(format($$SELECT sqm.start_lex_sarah_investigation(%s, %s, 'opened')$$, :org, :inv), 'the investigation starts');
SELECT throws_ok(format($$SELECT sqm.start_lex_sarah_investigation(%s, %s, 'opened')$$, :org, :inv), 'SQ003', NULL,
                 'a stale expected state is refused (SQ003)');
SELECT lives_ok(format($$SELECT sqm.assign_lex_sarah_report(%s, %s, %s)$$, :org, :r3, :inv), 'a third report is added to the open investigation');

-- ------------------------------------------------------------ records
CREATE FUNCTION pg_temp.rec(org bigint, inv bigint, item text, measure date DEFAULT NULL) RETURNS bigint LANGUAGE sql AS $$
    SELECT sqm.record_lex_sarah(org, inv, item, 'Dokumenterat: ' || item, 'Intervju med personal', 'fact',
                                'Carin Utredare', 'Socialt ansvarig samordnare', '2025-09-10 10:00+02', measure)
$$;
SELECT throws_ok(format($$SELECT pg_temp.rec(%s, %s, 'measure')$$, :org, :inv), '23502',
                 format('a measure recorded in lex Sarah investigation %s needs the date it was taken', :inv),
                 'a measure without its date is refused');
SELECT throws_ok(format($$SELECT pg_temp.rec(%s, %s, 'causes', '2025-09-01')$$, :org, :inv), '23514', NULL,
                 'a measure date on another item is refused');
SELECT throws_ok(format($$SELECT pg_temp.rec(%s, %s, 'gossip')$$, :org, :inv), '23503',
                 format('unknown item "gossip" for a record of lex Sarah investigation %s', :inv), 'an unknown item is refused');
SELECT throws_ok(format($$SELECT sqm.record_lex_sarah(%s, %s, 'causes', 'x', 'y', 'guess', 'A', 'B')$$, :org, :inv), '23514', NULL,
                 'a record that is neither fact nor assessment is refused');
SELECT throws_ok(format($$SELECT sqm.record_lex_sarah(%s, %s, 'causes', 'x', ' ', 'fact', 'A', NULL)$$, :org, :inv), '23502',
                 format('a record of lex Sarah investigation %s needs source, recorded_by_title', :inv),
                 'a record without its source and who recorded it is refused, naming what is missing');
SELECT throws_ok(format($$INSERT INTO sqm.lex_sarah_record (org_id, investigation_id, item, content, recorded_at, source, nature,
                          recorded_by_name, recorded_by_title, entered_at, entered_by)
                          VALUES (%s, %s, 'measure', 'x', now(), 'y', 'fact', 'A', 'B', now(), 'z')$$, :org, :inv), '23502',
                 format('a measure recorded in lex Sarah investigation %s needs the date it was taken', :inv),
                 'a measure without its date is refused, even directly, with the same message');
SELECT throws_ok(format($$INSERT INTO sqm.lex_sarah_record (org_id, investigation_id, item, content, recorded_at, source, nature,
                          recorded_by_name, entered_at, entered_by)
                          VALUES (%s, %s, 'causes', 'x', now(), 'y', 'fact', 'A', now(), 'z')$$, :org, :inv), '23502', NULL,
                 'a record without recorded_by_title is refused, even directly');
SELECT pg_temp.rec(:org, :inv, i) FROM unnest(ARRAY['what_happened', 'when_happened', 'how_noticed', 'happened_before', 'position']) i \g /dev/null
SELECT pg_temp.rec(:org, :inv, 'measure', '2025-09-05') AS rec_measure \gset
SELECT is((SELECT (item, nature, recorded_by_name, recorded_by_title, measure_date, entered_by)::text FROM sqm.lex_sarah_record WHERE id = :rec_measure),
          format('(measure,fact,"Carin Utredare","Socialt ansvarig samordnare",2025-09-05,%s)', session_user),
          'a record carries its date, source, nature and who recorded it; a measure its date');
SELECT throws_ok(format($$UPDATE sqm.lex_sarah_record SET content = 'ändrad' WHERE id = %s$$, :rec_measure), 'SQ010',
                 'table sqm.lex_sarah_record is append-only',
                 'a record is never edited');
SELECT throws_ok(format($$DELETE FROM sqm.lex_sarah_record WHERE id = %s$$, :rec_measure), 'SQ010', NULL, 'a record is never deleted');
SELECT throws_ok($$TRUNCATE sqm.lex_sarah_record$$, 'SQ010', NULL, 'records are never truncated');
SELECT throws_ok(format($$UPDATE sqm.lex_sarah_reporter SET name = 'x' WHERE report_id = %s$$, :r1), 'SQ010', NULL,
                 'a reporter''s identity is never changed');

-- ------------------------------------------------------------ assessment
-- The rules below -- themes valid on the day, a notification only for a
-- serious outcome, no report added to a completed investigation, nothing
-- recorded in a closed one -- are rules of the data: the row checks of
-- lex_sarah.c hold them for every writer, with one error through the API and
-- by a direct write (test/rules.sql breaks each directly too).
SELECT throws_ok(format($$SELECT sqm.assess_lex_sarah(%s, %s, 'under_investigation', 'impropriety', '{okand}')$$, :org, :inv), '23503',
                 format('lex Sarah investigation %s names themes that organisation %s does not use on 2025-09-15: okand', :inv, :org),
                 'a theme outside the taxonomy is refused');
SELECT is(pg_temp.as_role('tls_investigator', format($$SELECT sqm.assess_lex_sarah(%s, %s, 'under_investigation', 'serious_impropriety')$$, :org, :inv)),
          format('42501: permission denied to decide the seriousness of lex Sarah investigation %s', :inv),
          'an investigator cannot decide that an outcome is serious (42501)');
SELECT is(pg_temp.state_as('tls_manager', format($$SELECT sqm.assess_lex_sarah(%s, %s, 'under_investigation', 'serious_impropriety')$$, :org, :inv)),
          '42501', 'a unit manager cannot decide seriousness (42501)');
SELECT is(pg_temp.as_role('tls_investigator', format($$SELECT sqm.assess_lex_sarah(%s, %s, 'under_investigation', 'impropriety', '{lakemedel}')$$, :org, :inv)),
          'ok', 'an investigator assesses an impropriety, with its theme');
SELECT throws_ok(format($$SELECT sqm.draft_ivo_notification(%s, %s, 'Anmälan')$$, :org, :inv), 'SQ002',
                 format('lex Sarah investigation %s is not assessed as serious; no IVO notification can be drafted', :inv),
                 'a notification for an investigation not assessed as serious is refused');
SELECT is(pg_temp.as_role('tls_coordinator', format($$SELECT sqm.assess_lex_sarah(%s, %s, 'assessed', 'serious_impropriety', '{lakemedel,bemotande}')$$, :org, :inv)),
          'ok', 'the quality coordinator (the designated role) reassesses it as a serious impropriety');
SELECT is((SELECT (outcome, themes, seriousness_decided_at = sqm.now(), seriousness_decided_by)::text
             FROM sqm.lex_sarah_investigation JOIN sqm.lex_sarah_investigation_detail USING (org_id, id) WHERE id = :inv),
          '(serious_impropriety,"{bemotande,lakemedel}",t,tls_coordinator)', 'the outcome, themes, and when and by whom seriousness was decided');

-- ------------------------------------------------------------ completion
SELECT throws_ok(format($$SELECT sqm.complete_lex_sarah(%s, %s, 'assessed')$$, :org, :inv), 'SQ002',
                 format('lex Sarah investigation %s cannot be completed: causes, recurrence risk are not documented', :inv),
                 'completion while required records are missing is refused, naming the investigation and the items');
SELECT pg_temp.rec(:org, :inv, 'causes') \g /dev/null
SELECT throws_ok(format($$SELECT sqm.complete_lex_sarah(%s, %s, 'assessed')$$, :org, :inv), 'SQ002',
                 format('lex Sarah investigation %s cannot be completed: recurrence risk is not documented', :inv),
                 'one missing item is named too');
SELECT throws_ok(format($$UPDATE sqm.lex_sarah_investigation SET state = 'completed', completed_at = now(), outcome = NULL WHERE id = %s$$, :inv),
                 'SQ002', format('lex Sarah investigation %s cannot be completed: no outcome is assessed', :inv),
                 'completion without an outcome is refused');
SELECT pg_temp.rec(:org, :inv, 'recurrence_risk') \g /dev/null
SELECT throws_ok(format($$SELECT sqm.close_lex_sarah(%s, %s, 'opened')$$, :org, :inv), 'SQ003',
                 format('lex Sarah investigation %s is not in state "opened"', :inv),
                 'a move from a stale state is refused (SQ003)');
SELECT lives_ok(format($$SELECT sqm.complete_lex_sarah(%s, %s, 'assessed')$$, :org, :inv), 'with every item documented it is completed');
SELECT throws_ok(format($$SELECT sqm.close_lex_sarah(%s, %s, 'completed')$$, :org, :inv), 'SQ002',
                 format('lex Sarah investigation %s cannot be closed: it is assessed as serious_impropriety and no IVO notification has been sent', :inv),
                 'a serious investigation cannot close without a sent IVO notification');
SELECT throws_ok(format($$SELECT sqm.assign_lex_sarah_report(%s, %s, %s)$$, :org, :lb2, :inv), 'SQ004',
                 format('lex Sarah investigation %s is completed; no report can be added to it', :inv),
                 'no report is added to a completed investigation');

-- ------------------------------------------------------------ IVO notification
SELECT throws_ok(format($$SELECT sqm.draft_ivo_notification(%s, %s, ' ')$$, :org, :inv), '23502', NULL,
                 'a notification without contents is refused');
SELECT sqm.draft_ivo_notification(:org, :inv, 'Anmälan enligt 27 kap. SoL: fel läkemedel') AS n1 \gset
SELECT is((SELECT (state, unit_id = :ua)::text FROM sqm.ivo_notification WHERE id = :n1), '(draft,t)', 'a notification starts as a draft');
SELECT throws_ok(format($$SELECT sqm.draft_ivo_notification(%s, %s, 'Igen')$$, :org, :inv), '23505',
                 format('lex Sarah investigation %s already has IVO notification %s', :inv, :n1), 'a second notification is refused');
SELECT lives_ok(format($$SELECT sqm.revise_ivo_notification(%s, %s, 'draft', 'Anmälan enligt 27 kap. SoL: fel läkemedel gavs två gånger')$$, :org, :n1),
                'a draft is revised');
SELECT throws_ok(format($$SELECT sqm.supplement_ivo_notification(%s, %s, 'Mer')$$, :org, :n1), 'SQ002',
                 format('IVO notification %s is draft, not sent; IVO knows nothing of it yet', :n1), 'a draft is not supplemented');
SELECT throws_ok(format($$SELECT sqm.record_ivo_answer(%s, %s, 'closed_no_action')$$, :org, :n1), 'SQ002', NULL,
                 'a draft gets no answer from IVO');
SELECT throws_ok(format($$SELECT sqm.send_ivo_notification(%s, %s, 'draft', NULL, 'Ordföranden')$$, :org, :n1), 'SQ002',
                 format('IVO notification %s cannot move from "draft" to "sent" without regnr', :n1), 'sending without a registry number is refused');
SELECT throws_ok(format($$SELECT sqm.send_ivo_notification(%s, %s, 'draft', 'SN 2025/77', ' ')$$, :org, :n1), 'SQ002', NULL,
                 'sending without who decided is refused');
SELECT is(pg_temp.state_as('tls_investigator', format($$SELECT sqm.send_ivo_notification(%s, %s, 'draft', 'SN 2025/77', 'Ordföranden')$$, :org, :n1)),
          '42501', 'an investigator cannot send the notification: the organisation does, by its designated role');
SELECT is(pg_temp.as_role('tls_coordinator', format($$SELECT sqm.send_ivo_notification(%s, %s, 'draft', 'SN 2025/77', 'Socialnämndens ordförande', '2025-09-12 15:00+02')$$, :org, :n1)),
          'ok', 'the quality coordinator sends it with its registry number');
SELECT is((SELECT (state, regnr::text, decided_by, sent_at = '2025-09-12 15:00+02')::text
             FROM sqm.ivo_notification JOIN sqm.ivo_notification_detail USING (org_id, id) WHERE id = :n1),
          '(sent,"2025.077 SN","Socialnämndens ordförande",t)', 'the notification is sent, registered under a canonical registry number');
SELECT throws_ok(format($$SELECT sqm.revise_ivo_notification(%s, %s, 'sent', 'Ändrad')$$, :org, :n1), 'SQ004',
                 format('IVO notification %s is in terminal state "sent" and cannot be changed', :n1), 'a sent notification is never edited');
SELECT throws_ok(format($$UPDATE sqm.ivo_notification_detail SET contents = 'Ändrad' WHERE id = %s$$, :n1), 'SQ004',
                 format('IVO notification %s is in terminal state "sent" and cannot be changed', :n1), 'not even directly');
SELECT throws_ok(format($$SELECT sqm.supplement_ivo_notification(%s, %s, 'Mer', '2025-09-01')$$, :org, :n1), '23514',
                 format('a supplement to IVO notification %s cannot be dated 2025-09-01 00:00:00+00', :n1),
                 'a supplement before the notification is refused');
SELECT throws_ok(format($$INSERT INTO sqm.ivo_supplement (org_id, notification_id, sent_at, contents, entered_by)
                          VALUES (%s, %s, '2025-09-01', 'Mer', 'x')$$, :org, :n1), '23514',
                 format('a supplement to IVO notification %s cannot be dated 2025-09-01 00:00:00+00', :n1),
                 'and for a direct writer, with the same message');
SELECT throws_ok(format($$INSERT INTO sqm.ivo_supplement (org_id, notification_id, sent_at, contents, entered_by)
                          VALUES (%s, %s, now() + interval '1 day', 'Mer', 'x')$$, :org, :n1), '23514', NULL,
                 'a supplement dated in the future is refused');
SELECT throws_ok(format($$SELECT sqm.supplement_ivo_notification(%s, %s, '  ')$$, :org, :n1), '23502',
                 format('a supplement to IVO notification %s needs its contents', :n1), 'a supplement without contents is refused');
SELECT throws_ok(format($$SELECT sqm.record_ivo_answer(%s, %s, 'praise')$$, :org, :n1), '23514',
                 format('unknown answer "praise" from IVO to notification %s', :n1), 'an unknown answer is refused');
SELECT throws_ok(format($$INSERT INTO sqm.ivo_answer (org_id, notification_id, answered_at, answer, entered_by)
                          VALUES (%s, %s, sqm.now(), 'praise', 'x')$$, :org, :n1), '23514',
                 format('unknown answer "praise" from IVO to notification %s', :n1), 'and for a direct writer, with the same message');
SELECT throws_ok(format($$SELECT sqm.record_ivo_answer(%s, %s, 'criticism', '2025-09-01')$$, :org, :n1), '23514',
                 format('IVO''s answer to IVO notification %s cannot be dated 2025-09-01 00:00:00+00', :n1),
                 'an answer before the notification is refused');
SELECT throws_ok(format($$SELECT sqm.record_ivo_answer(%s, %s, 'criticism', NULL, NULL, '2025-09-14')$$, :org, :n1), '23514',
                 NULL, 'only a request for a supplement has a supplement date');
SELECT throws_ok(format($$INSERT INTO sqm.ivo_answer (org_id, notification_id, answered_at, answer, supplement_supplied_at, entered_by)
                          VALUES (%s, %s, sqm.now(), 'criticism', sqm.now(), 'x')$$, :org, :n1), '23514', NULL,
                 'and for a direct writer');
SELECT lives_ok(format($$SELECT sqm.record_ivo_answer(%s, %s, 'supplement_requested', '2025-09-13 09:00+02', 'IVO begär rutinen')$$, :org, :n1),
                'IVO asks for a supplement');
SELECT sqm.supplement_ivo_notification(:org, :n1, 'Rutinen för läkemedelshantering bifogas', '2025-09-14 09:00+02') AS sup \gset
SELECT is((SELECT contents FROM sqm.ivo_supplement WHERE id = :sup), 'Rutinen för läkemedelshantering bifogas', 'the supplement is sent');
SELECT lives_ok(format($$SELECT sqm.record_ivo_answer(%s, %s, 'closed_no_action', '2025-09-15 08:00+02')$$, :org, :n1),
                'IVO closes the case without further action');
SELECT is((SELECT string_agg(answer, ' ' ORDER BY answered_at) FROM sqm.ivo_answer WHERE notification_id = :n1),
          'supplement_requested closed_no_action', 'IVO''s answers are kept in order');
SELECT throws_ok(format($$UPDATE sqm.ivo_answer SET answer = 'criticism' WHERE notification_id = %s$$, :n1), 'SQ010', NULL,
                 'an answer is never changed');
SELECT throws_ok(format($$DELETE FROM sqm.ivo_supplement WHERE id = %s$$, :sup), 'SQ010', NULL, 'a supplement is never deleted');

-- ------------------------------------------------------------ closure
SELECT lives_ok(format($$SELECT sqm.close_lex_sarah(%s, %s, 'completed')$$, :org, :inv), 'with the notification sent, it closes');
SELECT throws_ok(format($$SELECT pg_temp.rec(%s, %s, 'other')$$, :org, :inv), 'SQ004',
                 format('lex Sarah investigation %s is closed; nothing more can be recorded in it', :inv), 'nothing is recorded in a closed investigation');
SELECT lives_ok(format($$SELECT sqm.record_ivo_answer(%s, %s, 'other_decision', NULL, 'IVO:s beslut efter avslut')$$, :org, :n1),
                'the IVO case can stay open after the investigation closed');
SELECT is((SELECT string_agg(change || coalesce(':' || to_state, ''), ' ' ORDER BY seq) FROM sqm.audit_event WHERE object_id = :inv),
          'create:opened move:under_investigation move:assessed edit edit move:completed move:closed',
          'every call on the investigation left its events (the serious reassessment: who decided, in the details, and the outcome)');
SELECT is((SELECT string_agg(change || coalesce(':' || to_state, ''), ' ' ORDER BY seq) FROM sqm.audit_event WHERE object_id = :n1),
          'create:draft edit edit edit move:sent', 'and on the notification (its contents, the revision, who decided, the move)');
SELECT is((SELECT ok FROM sqm.verify_audit(:org)), true, 'the audit chain verifies');

-- ------------------------------------------------------------ the notification guard, a second investigation
SELECT sqm.open_lex_sarah_investigation(:org, :ub, ARRAY[:lb2]) AS inv2 \gset
SELECT sqm.start_lex_sarah_investigation(:org, :inv2, 'opened');
SELECT sqm.assess_lex_sarah(:org, :inv2, 'under_investigation', 'risk_of_serious_impropriety');
SELECT sqm.draft_ivo_notification(:org, :inv2, 'Anmälan 2') AS n2 \gset
SELECT sqm.assess_lex_sarah(:org, :inv2, 'assessed', 'impropriety');
SELECT is((SELECT seriousness_decided_at FROM sqm.lex_sarah_investigation WHERE id = :inv2), NULL, 'no longer serious: no seriousness decision');
SELECT throws_ok(format($$SELECT sqm.send_ivo_notification(%s, %s, 'draft', 'SN 2025/78', 'Ordföranden')$$, :org, :n2), 'SQ002',
                 format('IVO notification %s cannot be sent: lex Sarah investigation %s is not assessed as serious', :n2, :inv2),
                 'a notification is not sent for an investigation no longer assessed as serious');
SELECT sqm.assess_lex_sarah(:org, :inv2, 'assessed', 'risk_of_serious_impropriety');
SELECT throws_ok(format($$SELECT sqm.send_ivo_notification(%s, %s, 'draft', '2025.077 SN', 'Ordföranden')$$, :org, :n2), '23505',
                 format('registry number 2025.077 SN of organisation %s is already held by IVO notification %s', :org, :n1),
                 'a registry number already used in the organisation is refused');
SELECT throws_ok(format($$UPDATE sqm.ivo_notification SET state = 'sent', regnr = '2025.077 SN', sent_at = sqm.now(), decided_at = sqm.now()
                          WHERE id = %s$$, :n2), 'SQ002', format('IVO notification %s cannot move from "draft" to "sent" without decided_by', :n2),
                 'a notification is sent only with who decided, even directly (a column of its details)');
UPDATE sqm.ivo_notification_detail SET decided_by = 'x' WHERE id = :n2;
SELECT throws_ok(format($$UPDATE sqm.ivo_notification SET state = 'sent', regnr = '2025.077 SN', sent_at = sqm.now(), decided_at = sqm.now()
                          WHERE id = %s$$, :n2), '23505', NULL, 'the registry number is unique per organisation, even directly');
UPDATE sqm.ivo_notification_detail SET decided_by = NULL WHERE id = :n2;
SELECT throws_ok(format($$SELECT sqm.send_ivo_notification(%s, %s, 'draft', '2025.078 SN', 'Ordföranden', now() + interval '1 day')$$,
                        :org, :n2), '23514', NULL, 'a notification sent in the future is refused (API)');
SELECT throws_ok(format($$SELECT sqm.supplement_ivo_notification(%s, %s, 'Mer')$$, :org, :n2), 'SQ002',
                 format('IVO notification %s is draft, not sent; IVO knows nothing of it yet', :n2),
                 'a supplement follows a sent notification only (API)');
SELECT throws_ok(format($$INSERT INTO sqm.ivo_answer (org_id, notification_id, answered_at, answer, entered_by)
                          VALUES (%s, %s, sqm.now(), 'criticism', 'x')$$, :org, :n2), 'SQ002',
                 format('IVO notification %s is draft, not sent; IVO knows nothing of it yet', :n2),
                 'and an answer too (direct writer)');
SELECT throws_ok(format($$SELECT sqm.withdraw_ivo_notification(%s, %s, 'draft', '')$$, :org, :n2), 'SQ002', NULL,
                 'withdrawing without a reason is refused');
SELECT lives_ok(format($$SELECT sqm.withdraw_ivo_notification(%s, %s, 'draft', 'Skickas som ny anmälan')$$, :org, :n2), 'a draft is withdrawn');
SELECT sqm.draft_ivo_notification(:org, :inv2, 'Anmälan 2, ny') AS n3 \gset
SELECT lives_ok(format($$SELECT sqm.send_ivo_notification(%s, %s, 'draft', '2025.078 SN', 'Ordföranden')$$, :org, :n3),
                'a withdrawn draft makes room for a new notification');

-- the same registry number in another organisation is fine
SELECT sqm.report_lex_sarah(:orgb, :b1, 'SoL', '2025-09-01', 'B:s händelse', 'E', 'F', '2025-09-02') AS rb \gset
SELECT sqm.open_lex_sarah_investigation(:orgb, :b1, ARRAY[:rb]) AS invb \gset
SELECT sqm.start_lex_sarah_investigation(:orgb, :invb, 'opened');
SELECT sqm.assess_lex_sarah(:orgb, :invb, 'under_investigation', 'serious_impropriety');
SELECT sqm.draft_ivo_notification(:orgb, :invb, 'B:s anmälan') AS nb \gset
SELECT lives_ok(format($$SELECT sqm.send_ivo_notification(%s, %s, 'draft', '2025.077 SN', 'Ordföranden')$$, :orgb, :nb),
                'another organisation may use the same registry number');

-- ------------------------------------------------------------ early close
SELECT sqm.report_lex_sarah(:org, :ua, 'LSS', '2025-09-05', 'Oklar händelse', 'G', 'H', '2025-09-06') AS r4 \gset
SELECT sqm.open_lex_sarah_investigation(:org, :ua, ARRAY[:r4]) AS inv4 \gset
SELECT throws_ok(format($$SELECT sqm.close_lex_sarah_early(%s, %s, 'opened', '  ')$$, :org, :inv4), 'SQ002',
                 format('lex Sarah investigation %s cannot be closed early: no position is documented', :inv4),
                 'an early close without a documented position is refused');
SELECT throws_ok(format($$SELECT sqm.close_lex_sarah(%s, %s, 'opened')$$, :org, :inv4), 'SQ002',
                 format('lex Sarah investigation %s cannot be closed early: the outcome is not assessed, not no_impropriety; no position is documented', :inv4),
                 'closing an opened investigation without outcome and position is refused');
UPDATE sqm.lex_sarah_investigation_detail SET early_position = 'x' WHERE id = :inv4;
SELECT throws_ok(format($$UPDATE sqm.lex_sarah_investigation SET state = 'closed', closed_at = now(), outcome = 'impropriety' WHERE id = %s$$, :inv4),
                 'SQ002', format('lex Sarah investigation %s cannot be closed early: the outcome is impropriety, not no_impropriety', :inv4),
                 'an early close with an impropriety is refused');
SELECT throws_ok(format($$SELECT sqm.close_lex_sarah_early(%s, %s, 'assessed', 'x')$$, :org, :inv2), 'SQ001', NULL,
                 'an assessed investigation does not close early');
SELECT lives_ok(format($$SELECT sqm.close_lex_sarah_early(%s, %s, 'opened', 'Ingen brist: rutinen följdes och brukaren skadades inte')$$, :org, :inv4),
                'an investigation closes early with outcome no impropriety and a position');
SELECT is((SELECT (state, outcome, early_position IS NOT NULL)::text
             FROM sqm.lex_sarah_investigation JOIN sqm.lex_sarah_investigation_detail USING (org_id, id) WHERE id = :inv4),
          '(closed,no_impropriety,t)', 'closed early, no impropriety, position kept');

-- ------------------------------------------------------------ access
SELECT is(pg_temp.as_role('tls_reporter', format($$SELECT sqm.report_lex_sarah(%s, %s, 'SoL', '2025-09-14', 'x', 'I', 'J')$$, :org, :ua)),
          'ok', 'a reporter reports lex Sarah for their unit');
SELECT is(pg_temp.state_as('tls_reporter', format($$SELECT sqm.report_lex_sarah(%s, %s, 'SoL', '2025-09-14', 'x', 'I', 'J')$$, :org, :ub)),
          '42501', 'but not for another unit');
SELECT is(pg_temp.as_role('tls_manager', format($$SELECT sqm.report_lex_sarah(%s, %s, 'SoL', '2025-09-14', 'x', 'I', 'J')$$, :org, :ua)),
          'ok', 'a unit manager reports for their unit');
SELECT is(pg_temp.state_as('tls_manager', format($$SELECT sqm.open_lex_sarah_investigation(%s, %s, ARRAY[%s])$$, :org, :ua, :r3)),
          '42501', 'a unit manager does not investigate');
SELECT is(pg_temp.state_as(r, format(q, :org)), '42501', format('%s cannot read %s', r, left(q, 60)))
  FROM unnest(ARRAY['tls_manager', 'tls_reader']) r,
       unnest(ARRAY[$$SELECT description FROM sqm.lex_sarah_report_detail WHERE org_id = %s$$,
                    $$SELECT name FROM sqm.lex_sarah_reporter WHERE org_id = %s$$,
                    $$SELECT content FROM sqm.lex_sarah_record WHERE org_id = %s$$,
                    $$SELECT recorded_by_name FROM sqm.lex_sarah_record WHERE org_id = %s$$,
                    $$SELECT early_position FROM sqm.lex_sarah_investigation_detail WHERE org_id = %s$$,
                    $$SELECT seriousness_decided_by FROM sqm.lex_sarah_investigation_detail WHERE org_id = %s$$,
                    $$SELECT contents FROM sqm.ivo_notification_detail WHERE org_id = %s$$,
                    $$SELECT contents FROM sqm.ivo_supplement WHERE org_id = %s$$,
                    $$SELECT note FROM sqm.ivo_answer WHERE org_id = %s$$]) q;
-- The reporter-identity policy itself, evaluated: given SELECT on the table
-- (inside this test), a unit manager still sees no reporter identity of the
-- reports of their own unit -- the row policy asks for read_reporter_identity.
GRANT SELECT ON sqm.lex_sarah_reporter TO tls_manager;
SELECT cmp_ok((SELECT count(*) FROM sqm.lex_sarah_reporter WHERE org_id = :org AND unit_id = :ua), '>', 0::bigint,
              'the reports of the manager''s unit have reporter identities');
SELECT is(pg_temp.value_as('tls_manager', format('SELECT count(*) FROM sqm.lex_sarah_reporter WHERE org_id = %s', :org)), '0',
          'granted the table, a unit manager sees no reporter identity, not even of their own unit''s reports');
SELECT is(pg_temp.value_as('tls_investigator', format('SELECT count(*) FROM sqm.lex_sarah_reporter WHERE org_id = %s AND unit_id = %s', :org, :ua)),
          (SELECT count(*)::text FROM sqm.lex_sarah_reporter WHERE org_id = :org AND unit_id = :ua),
          'while an investigator (read_reporter_identity) sees every one of them');
REVOKE SELECT ON sqm.lex_sarah_reporter FROM tls_manager;
SELECT is(pg_temp.value_as('tls_manager', format('SELECT count(*) FROM sqm.lex_sarah_report WHERE org_id = %s', :org)),
          (SELECT count(*)::text FROM sqm.lex_sarah_report WHERE org_id = :org AND unit_id = :ua),
          'a unit manager sees the statistics columns of their unit''s reports only');
SELECT is(pg_temp.value_as('tls_reader', format('SELECT count(*) FROM sqm.lex_sarah_investigation WHERE org_id = %s AND outcome IS NOT NULL', :org)),
          '3', 'a report reader counts outcomes');
SELECT is(pg_temp.state_as('tls_reader', format('SELECT count(*) FROM sqm.lex_sarah_unassigned WHERE org_id = %s', :org)),
          '42501', 'a report reader does not read the routing view (it shows report times, exact times)');
SELECT is(pg_temp.value_as('tls_manager', format('SELECT count(*) FROM sqm.lex_sarah_unassigned WHERE org_id = %s', :org)),
          (SELECT count(*)::text FROM sqm.lex_sarah_report WHERE org_id = :org AND state = 'reported' AND unit_id = :ua),
          'a unit manager reads the routing view of their unit');
SELECT is(pg_temp.value_as('tls_investigator', format('SELECT name FROM sqm.lex_sarah_reporter WHERE report_id = %s', :r1)),
          'Anna Andersson', 'an investigator reads who reported');
SELECT is(pg_temp.value_as('tls_investigator', format('SELECT description FROM sqm.lex_sarah_report_detail WHERE id = %s', :r1)),
          'Brukaren fick fel läkemedel', 'and what was reported');
SELECT is(pg_temp.value_as('tls_coordinator', format('SELECT count(*) FROM sqm.lex_sarah_record WHERE investigation_id = %s', :inv)),
          '8', 'a quality coordinator reads the records');
SELECT is(pg_temp.value_as('tls_coordinator_b', format('SELECT count(*) FROM %s WHERE org_id = %s', t, :org)), '0',
          format('a coordinator of another organisation sees no row of %s', t))
  FROM unnest(ARRAY['sqm.lex_sarah_report', 'sqm.lex_sarah_report_detail', 'sqm.lex_sarah_reporter',
                    'sqm.lex_sarah_investigation', 'sqm.lex_sarah_investigation_detail', 'sqm.ivo_notification_detail',
                    'sqm.lex_sarah_record',
                    'sqm.ivo_notification', 'sqm.ivo_supplement', 'sqm.ivo_answer', 'sqm.lex_sarah_theme',
                    'sqm.organisation_setting', 'sqm.lex_sarah_unassigned']) t;
SELECT is((SELECT count(*) FROM information_schema.role_table_grants
            WHERE table_schema = 'sqm' AND grantee LIKE 'sqm\_%' AND privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')
              AND (table_name LIKE 'lex_sarah%' OR table_name LIKE 'ivo%' OR table_name IN ('legal_basis', 'organisation_setting'))),
          0::bigint, 'no sqm role writes a lex Sarah table directly');

-- every API function refuses another organisation's objects
SELECT is(pg_temp.state_as('tls_coordinator_b', format(q, :org, :ua, :r3, :inv2, :n3)), '42501',
          format('another organisation''s coordinator: %s is refused', left(q, 45)))
  FROM unnest(ARRAY[
    $$SELECT sqm.report_lex_sarah(%s, %s, 'SoL', '2025-09-01', 'x', 'A', 'B') -- %s %s %s$$,
    $$SELECT sqm.receive_lex_sarah(%s, %3$s) -- %2$s %4$s %5$s$$,
    $$SELECT sqm.open_lex_sarah_investigation(%s, %s, ARRAY[%s]) -- %s %s$$,
    $$SELECT sqm.assign_lex_sarah_report(%s, %3$s, %4$s) -- %2$s %5$s$$,
    $$SELECT sqm.start_lex_sarah_investigation(%s, %4$s, 'opened') -- %2$s %3$s %5$s$$,
    $$SELECT sqm.record_lex_sarah(%s, %4$s, 'causes', 'x', 'y', 'fact', 'A', 'B') -- %2$s %3$s %5$s$$,
    $$SELECT sqm.assess_lex_sarah(%s, %4$s, 'assessed', 'impropriety') -- %2$s %3$s %5$s$$,
    $$SELECT sqm.complete_lex_sarah(%s, %4$s, 'assessed') -- %2$s %3$s %5$s$$,
    $$SELECT sqm.close_lex_sarah(%s, %4$s, 'completed') -- %2$s %3$s %5$s$$,
    $$SELECT sqm.close_lex_sarah_early(%s, %4$s, 'opened', 'x') -- %2$s %3$s %5$s$$,
    $$SELECT sqm.draft_ivo_notification(%s, %4$s, 'x') -- %2$s %3$s %5$s$$,
    $$SELECT sqm.revise_ivo_notification(%s, %5$s, 'draft', 'x') -- %2$s %3$s %4$s$$,
    $$SELECT sqm.send_ivo_notification(%s, %5$s, 'draft', 'SN 2025/99', 'x') -- %2$s %3$s %4$s$$,
    $$SELECT sqm.withdraw_ivo_notification(%s, %5$s, 'draft', 'x') -- %2$s %3$s %4$s$$,
    $$SELECT sqm.supplement_ivo_notification(%s, %5$s, 'x') -- %2$s %3$s %4$s$$,
    $$SELECT sqm.record_ivo_answer(%s, %5$s, 'criticism') -- %2$s %3$s %4$s$$,
    $$SELECT sqm.set_lex_sarah_routing_target(%s, '2 days') -- %s %s %s %s$$,
    $$SELECT sqm.add_lex_sarah_theme(%s, 'ny', 'Ny', 'New', '2025-01-01') -- %s %s %s %s$$]) q;

SELECT * FROM finish();
ROLLBACK;
