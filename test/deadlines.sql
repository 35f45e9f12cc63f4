-- Deadlines (domain.md §4, doc/deadlines.md): rules as data, obligations and
-- their status at the boundaries with a frozen clock, working days across
-- Easter and closed days, the basis in force on the start date, organisation
-- settings, bad definitions refused, the outbox, the sweep and access.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(153);

SET LOCAL sqm.frozen_now = '2025-04-17 10:00+02';
SELECT sqm.create_roles() \g /dev/null
SELECT sqm.create_organisation('Test', 'SN') AS org \gset
SELECT sqm.create_unit(:org, 'Förvaltningen', 'administration', '2024-01-01') AS adm \gset
SELECT sqm.create_unit(:org, 'Enhet A', 'unit', '2024-01-01', :adm) AS ua \gset
SELECT sqm.add_deviation_type(:org, 'info', 'Information', 'Information', '2024-01-01');
SELECT sqm.add_deviation_type(:org, 'sip', 'SIP', 'SIP', '2024-01-01', NULL, 'collaboration');
SELECT sqm.create_organisation('Annan', 'SN') AS orgb \gset
SELECT sqm.create_unit(:orgb, 'Enhet B1', 'unit', '2024-01-01') AS b1 \gset
SELECT sqm.add_deviation_type(:orgb, 'info', 'Information', 'Information', '2024-01-01');

CREATE ROLE tdl_manager IN ROLE sqm_unit_manager;
CREATE ROLE tdl_coordinator IN ROLE sqm_quality_coordinator;
CREATE ROLE tdl_coordinator_b IN ROLE sqm_quality_coordinator;
CREATE ROLE tdl_reader IN ROLE sqm_report_reader;
CREATE ROLE tdl_reporter IN ROLE sqm_reporter;
SELECT sqm.grant_membership(:org, 'tdl_manager', 'unit_manager', :ua);
SELECT sqm.grant_membership(:org, 'tdl_coordinator', 'quality_coordinator');
SELECT sqm.grant_membership(:orgb, 'tdl_coordinator_b', 'quality_coordinator');
SELECT sqm.grant_membership(:org, 'tdl_reader', 'report_reader');
SELECT sqm.grant_membership(:org, 'tdl_reporter', 'reporter', :ua);

CREATE FUNCTION pg_temp.state_as(r text, q text) RETURNS text LANGUAGE plpgsql AS $$
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
CREATE FUNCTION pg_temp.value_as(r text, q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE v text;
BEGIN
    EXECUTE format('SET LOCAL ROLE %I', r);
    EXECUTE q INTO v;
    RESET ROLE;
    RETURN v;
END $$;
-- status and due time of one obligation
CREATE FUNCTION pg_temp.ob(obj bigint, r text) RETURNS text LANGUAGE sql AS $$
    SELECT status || ' ' || to_char(due_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM-DD HH24:MI')
      FROM sqm.obligations(rule => r) WHERE object_id = obj
$$;

-- ------------------------------------------------------------ rules as data
SELECT is((SELECT count(DISTINCT rule) FROM sqm.deadline_rule WHERE builtin), 13::bigint, 'thirteen builtin rules');
SELECT is((SELECT count(*) FROM sqm.deadline_event WHERE builtin), 23::bigint, 'twenty-three builtin events');
SELECT is((SELECT string_agg(rule || ':' || length || ' ' || unit, ', ' ORDER BY rule) FROM sqm.deadline_rule WHERE rule IN ('deviation_triage', 'collaboration_reply', 'lex_sarah_routed')),
          'collaboration_reply:60 calendar_days, deviation_triage:3 working_days, lex_sarah_routed:1 working_days',
          'documented defaults of the routine rules');

-- ------------------------------------------------------------ deviation triage across Easter
-- Maundy Thursday 2025-04-17: Good Friday and Easter Monday are holidays, so the
-- third working day is Thursday 24 April; due at its end.
SELECT sqm.report_deviation(:org, :ua, 'SoL', '2025-04-17 08:00+02', 'Fel dos', '{info}', '2025-04-17 09:00+02') AS d1 \gset
SELECT sqm.report_deviation(:org, :ua, 'SoL', '2025-04-17 08:00+02', 'Fel dos 2', '{info}', '2025-04-17 09:00+02') AS d2 \gset
SELECT sqm.report_deviation(:org, :ua, 'SoL', '2025-04-17 08:00+02', 'Fel dos 3', '{info}', '2025-04-17 09:00+02') AS d3 \gset
SELECT is(pg_temp.ob(:d1, 'deviation_triage'), 'due 2025-04-25 00:00', 'reported Maundy Thursday: due at the end of 24 April (3 working days over Easter)');
SELECT is((SELECT (legal, basis, started_at = '2025-04-17 09:00+02')::text FROM sqm.obligations(rule => 'deviation_triage') WHERE object_id = :d1),
          '(f,rutin,t)', 'a routine rule, started at the report');

SET LOCAL sqm.frozen_now = '2025-04-23 23:59:59.999999+02';
SELECT is(pg_temp.ob(:d1, 'deviation_triage'), 'due 2025-04-25 00:00', 'one microsecond before the warning: due');
SET LOCAL sqm.frozen_now = '2025-04-24 00:00+02';
SELECT is(pg_temp.ob(:d1, 'deviation_triage'), 'due_soon 2025-04-25 00:00', 'at due minus the warning (1 day): due_soon');
SET LOCAL sqm.frozen_now = '2025-04-24 23:59:59.999999+02';
SELECT is(pg_temp.ob(:d1, 'deviation_triage'), 'due_soon 2025-04-25 00:00', 'one microsecond before due: due_soon');
SELECT sqm.triage_deviation(:org, :d2, 'reported', 'low');
SET LOCAL sqm.frozen_now = '2025-04-25 00:00+02';
SELECT is(pg_temp.ob(:d1, 'deviation_triage'), 'overdue 2025-04-25 00:00', 'at due: overdue');
SELECT sqm.triage_deviation(:org, :d3, 'reported', 'low');
SELECT is(pg_temp.ob(:d3, 'deviation_triage'), 'met 2025-04-25 00:00', 'stopped exactly at due: met');
SELECT is(pg_temp.ob(:d2, 'deviation_triage'), 'met 2025-04-25 00:00', 'stopped before due: met');
SET LOCAL sqm.frozen_now = '2025-04-25 00:00:00.000001+02';
SELECT sqm.triage_deviation(:org, :d1, 'reported', 'low');
SELECT is(pg_temp.ob(:d1, 'deviation_triage'), 'met_late 2025-04-25 00:00', 'stopped one microsecond after due: met_late');
SELECT is((SELECT stopped_at FROM sqm.obligations(rule => 'deviation_triage') WHERE object_id = :d1), '2025-04-25 00:00:00.000001+02'::timestamptz,
          'stopped_at is the stop event');
SELECT is((SELECT count(*) FROM sqm.obligations(:org, rule => 'deviation_triage', open_only => true)), 0::bigint,
          'open_only leaves out what has stopped');

-- an organisation's closed day shifts the due date
SELECT sqm.add_closed_day(:org, '2025-04-22', 'Planeringsdag');
SELECT is(pg_temp.ob(:d3, 'deviation_triage'), 'met 2025-04-26 00:00', 'a closed day on 22 April: due at the end of 25 April');
SELECT is((SELECT due_at FROM sqm.obligations(:orgb) LIMIT 0), NULL, 'another organisation is not affected (no rows yet)');
SELECT throws_ok(format($$SELECT sqm.add_closed_day(%s, '2025-05-02', ' ')$$, :org), '22023', NULL, 'a closed day needs a reason');
SELECT is(pg_temp.state_as('tdl_manager', format($$SELECT sqm.add_closed_day(%s, '2025-05-02', 'x')$$, :org)), '42501',
          'a unit manager cannot set closed days');

-- ------------------------------------------------------------ organisation settings
SELECT sqm.set_deadline(:org, 'deviation_triage', 5, 'working_days');
SELECT is(pg_temp.ob(:d3, 'deviation_triage'), 'met 2025-04-30 00:00', 'an organisation sets 5 working days: due at the end of 29 April');
SELECT sqm.set_deadline(:org, 'deviation_triage', NULL);
SELECT is(pg_temp.ob(:d3, 'deviation_triage'), 'met 2025-04-26 00:00', 'NULL restores the default');
SELECT throws_ok(format($$SELECT sqm.set_deadline(%s, 'deviation_triage', -1)$$, :org), '22023', NULL, 'a negative setting is refused');
SELECT throws_ok(format($$SELECT sqm.set_deadline(%s, 'deviation_triage', 3, 'fortnights')$$, :org), '22023', NULL, 'an unknown unit is refused');
SELECT throws_ok(format($$SELECT sqm.set_deadline(%s, 'no_such_rule', 3)$$, :org), '23503', NULL, 'an unknown rule is refused');
SELECT is(pg_temp.state_as('tdl_manager', format($$SELECT sqm.set_deadline(%s, 'deviation_triage', 2)$$, :org)), '42501',
          'a unit manager cannot set deadlines');
SELECT is(pg_temp.state_as('tdl_coordinator_b', format($$SELECT sqm.set_deadline(%s, 'deviation_triage', 2)$$, :org)), '42501',
          'another organisation''s coordinator cannot set deadlines');
INSERT INTO sqm.deadline_rule (rule, kind, start_event, stop_event, length, unit, legal, basis, label_sv, label_en)
VALUES ('test_legal', 'deviation', 'reported', 'triaged', 14, 'calendar_days', true, 'Testlag (2025:1) 1 §', 'Test', 'Test');
SELECT throws_ok(format($$SELECT sqm.set_deadline(%s, 'test_legal', 30)$$, :org), '55000', NULL, 'a legal rule cannot be set by the organisation');
SELECT is((SELECT (legal, basis, to_char(due_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM-DD HH24:MI'))::text
             FROM sqm.obligations(rule => 'test_legal') WHERE object_id = :d1),
          '(t,"Testlag (2025:1) 1 §","2025-05-01 09:00")', 'a legal rule''s obligation carries its basis');

-- ------------------------------------------------------------ bad definitions
SELECT throws_ok($$INSERT INTO sqm.deadline_rule (rule, kind, start_event, stop_event, length, unit, basis, label_sv, label_en)
                  VALUES ('bad', 'deviation', 'reported', 'triaged', -1, 'calendar_days', 'x', 'x', 'x')$$,
                 '22023', 'deadline rule "bad": the length must be 0 or more, not -1', 'a negative length is refused');
SELECT throws_ok($$INSERT INTO sqm.deadline_rule (rule, kind, start_event, stop_event, length, unit, basis, label_sv, label_en)
                  VALUES ('bad', 'deviation', 'reported', 'triaged', 1, 'weeks', 'x', 'x', 'x')$$,
                 '22023', 'deadline rule "bad": unknown unit "weeks"', 'an unknown unit is refused');
SELECT throws_ok($$INSERT INTO sqm.deadline_rule (rule, kind, start_event, stop_event, length, unit, basis, label_sv, label_en)
                  VALUES ('bad', 'deviation', 'reported', 'answered', 1, 'hours', 'x', 'x', 'x')$$,
                 '23503', 'deadline rule "bad": kind deviation has no event "answered"', 'an unknown event is refused');
SELECT throws_ok($$INSERT INTO sqm.deadline_rule (rule, kind, start_event, stop_event, applies, length, unit, basis, label_sv, label_en)
                  VALUES ('bad', 'deviation', 'reported', 'triaged', 'o.no_such_column', 1, 'hours', 'x', 'x', 'x')$$,
                 '42703', NULL, 'a condition naming an unknown column is refused');
SELECT throws_ok($$INSERT INTO sqm.deadline_rule (rule, kind, start_event, stop_event, applies, length, unit, basis, label_sv, label_en)
                  VALUES ('bad', 'deviation', 'reported', 'triaged', 'o.regime = = 1', 1, 'hours', 'x', 'x', 'x')$$,
                 '42601', NULL, 'a condition that does not parse is refused');
SELECT throws_ok($$INSERT INTO sqm.deadline_rule (rule, kind, start_event, stop_event, applies, length, unit, basis, label_sv, label_en)
                  VALUES ('bad', 'deviation', 'reported', 'triaged', 'o.regime', 1, 'hours', 'x', 'x', 'x')$$,
                 '42804', NULL, 'a condition that is not boolean is refused');
SELECT throws_ok($$INSERT INTO sqm.deadline_event (kind, event, expression, label_sv, label_en)
                  VALUES ('deviation', 'answered', 'o.answered_at', 'x', 'x')$$,
                 '42703', NULL, 'an event over an unknown column is refused');
SELECT throws_ok($$INSERT INTO sqm.deadline_event (kind, event, expression, label_sv, label_en)
                  VALUES ('deviation', 'answered', '(SELECT FROM', 'x', 'x')$$,
                 '42601', NULL, 'an event expression that does not parse is refused');
SELECT throws_ok($$INSERT INTO sqm.deadline_event (kind, event, expression, label_sv, label_en)
                  VALUES ('deviation', 'answered', 'o.regime', 'x', 'x')$$,
                 '42804', 'deadline event "answered" of kind deviation: the expression is of type text, not timestamptz',
                 'an event that is not a timestamptz is refused');
SELECT throws_ok($$INSERT INTO sqm.deadline_rule (rule, kind, start_event, stop_event, length, unit, legal, basis, basis_valid, label_sv, label_en)
                  VALUES ('test_legal', 'deviation', 'reported', 'triaged', 7, 'calendar_days', true, 'Ny lag', '[2025-01-01,)', 'x', 'x')$$,
                 '23P01', NULL, 'two bases of a rule in force at once are refused');
SELECT throws_ok($$INSERT INTO sqm.deadline_event (kind, event, expression, label_sv, label_en, day_column)
                  VALUES ('deviation', 'answered', 'o.closed_at', 'x', 'x', 'regime')$$,
                 '42804', 'deadline event "answered" of kind deviation: the day column "regime" is of type text, not date',
                 'a day column that is not a date is refused');
SELECT throws_ok($$INSERT INTO sqm.deadline_event (kind, event, expression, label_sv, label_en, day_column)
                  VALUES ('deviation', 'answered', 'o.closed_at', 'x', 'x', 'answered_on')$$,
                 '42703', NULL, 'a day column that does not exist is refused');
SELECT lives_ok($$INSERT INTO sqm.deadline_event (kind, event, expression, label_sv, label_en)
                  VALUES ('deviation', 'closed', 'o.closed_at', 'avslutad', 'closed')$$, 'a good event is accepted');
SELECT is(pg_temp.state_as('tdl_coordinator', $$INSERT INTO sqm.deadline_rule (rule, kind, start_event, stop_event, length, unit, basis, label_sv, label_en)
                  VALUES ('mine', 'deviation', 'reported', 'closed', 1, 'hours', 'x', 'x', 'x')$$), '42501',
          'only the extension owner writes rules');

-- ------------------------------------------------------------ collaboration reply
SET LOCAL sqm.frozen_now = '2025-05-05 10:00+02';
SELECT sqm.report_deviation(:org, :ua, 'collaboration', '2025-05-02', 'Remiss saknades', '{sip}', '2025-05-05 09:00+02',
                            'sent', 'Regionen') AS cs \gset
SELECT sqm.report_deviation(:org, :ua, 'collaboration', '2025-05-02', 'Remiss kom sent', '{sip}', '2025-05-05 09:00+02',
                            'received', 'Regionen') AS cr \gset
SELECT is(pg_temp.ob(:cs, 'collaboration_reply'), 'due 2025-07-04 09:00', 'a sent collaboration deviation: reply due in 60 days');
SELECT is((SELECT count(*) FROM sqm.obligations(rule => 'collaboration_reply') WHERE object_id IN (:cr, :d1)), 0::bigint,
          'no reply obligation for a received collaboration deviation or a SoL one');
SELECT throws_ok(format($$SELECT sqm.record_collaboration_reply(%s, %s, 'reported')$$, :org, :cr), '23514',
                 format('deviation %s is not a collaboration deviation sent to another organisation', :cr),
                 'a reply is recorded only for a sent collaboration deviation (API)');
SELECT throws_ok(format($$UPDATE sqm.deviation SET collab_replied_at = '2025-05-05 09:30+02' WHERE id = %s$$, :cr), '23514',
                 format('deviation %s is not a collaboration deviation sent to another organisation', :cr),
                 'and for a direct writer, with the same message');
SELECT throws_ok(format($$SELECT sqm.record_collaboration_reply(%s, %s, 'reported', '2025-05-05 10:30+02')$$, :org, :cs), '23514',
                 format('the reply to deviation %s cannot be recorded at 2025-05-05 08:30:00+00', :cs),
                 'a reply in the future is refused (API)');
SELECT throws_ok(format($$UPDATE sqm.deviation SET collab_replied_at = '2025-05-05 10:30+02' WHERE id = %s$$, :cs), '23514',
                 format('the reply to deviation %s cannot be recorded at 2025-05-05 08:30:00+00', :cs),
                 'and for a direct writer, with the same message');
SELECT throws_ok(format($$SELECT sqm.record_collaboration_reply(%s, %s, 'reported', '2025-05-05 08:59+02')$$, :org, :cs), '23514',
                 format('the reply to deviation %s cannot be recorded at 2025-05-05 06:59:00+00', :cs),
                 'a reply before the report is refused (API)');
SELECT throws_ok(format($$UPDATE sqm.deviation SET collab_replied_at = '2025-05-05 08:59+02' WHERE id = %s$$, :cs), '23514',
                 format('the reply to deviation %s cannot be recorded at 2025-05-05 06:59:00+00', :cs),
                 'and for a direct writer, with the same message');
SELECT throws_ok(format($$SELECT sqm.record_collaboration_reply(%s, %s, 'triaged')$$, :org, :cs), 'SQ003', NULL,
                 'recording the reply is compare-and-set');
SELECT is(pg_temp.state_as('tdl_reporter', format($$SELECT sqm.record_collaboration_reply(%s, %s, 'reported')$$, :org, :cs)), '42501',
          'a reporter cannot record the reply');
SELECT lives_ok(format($$SELECT sqm.record_collaboration_reply(%s, %s, 'reported', '2025-05-05 09:30+02')$$, :org, :cs), 'the reply is recorded');
SELECT is(pg_temp.ob(:cs, 'collaboration_reply'), 'met 2025-07-04 09:00', 'the reply stops the clock');
SELECT is((SELECT change FROM sqm.audit_event WHERE object_id = :cs ORDER BY seq DESC LIMIT 1), 'edit', 'the reply is audited as an edit');

-- ------------------------------------------------------------ lex Sarah routed
SELECT sqm.report_lex_sarah(:org, :ua, 'SoL', '2025-05-02 12:00+02', 'Brist i bemötande', 'Anna', 'Undersköterska',
                            '2025-05-05 09:00+02') AS ls \gset
SELECT is(pg_temp.ob(:ls, 'lex_sarah_routed'), 'due 2025-05-07 00:00', 'lex Sarah routing: due at the end of the next working day');
SELECT is((SELECT count(*) FROM sqm.obligations(rule => 'lex_sarah_protective_action') WHERE object_id = :ls), 0::bigint,
          'no protective-action clock before the report is received');
SET LOCAL sqm.frozen_now = '2025-05-07 08:00+02';
SELECT is(pg_temp.ob(:ls, 'lex_sarah_routed'), 'overdue 2025-05-07 00:00', 'not routed in time: overdue');
SELECT sqm.open_lex_sarah_investigation(:org, :ua, ARRAY[:ls]::bigint[]) AS inv \gset
SELECT is(pg_temp.ob(:ls, 'lex_sarah_routed'), 'met_late 2025-05-07 00:00', 'routed late: met_late');
SELECT is(pg_temp.ob(:ls, 'lex_sarah_investigation_started'), 'due 2025-05-15 00:00',
          'assigning receives it: the investigation must start within 5 working days');
SELECT sqm.start_lex_sarah_investigation(:org, :inv, 'opened');
SELECT is(pg_temp.ob(:ls, 'lex_sarah_investigation_started'), 'met 2025-05-15 00:00', 'the investigation started in time');
SELECT is(pg_temp.ob(:ls, 'lex_sarah_protective_action'), 'due 2025-05-08 08:00', 'protective action: 1 calendar day after receipt, not yet recorded');

-- ------------------------------------------------------------ IVO notification: the basis in force
SET LOCAL session_replication_role = replica;
INSERT INTO sqm.lex_sarah_investigation (org_id, id, state, unit_id, opened_at, started_at, assessed_at, outcome, seriousness_decided_at)
VALUES (:org, -101, 'assessed', :ua, '2025-06-01', '2025-06-01', '2025-06-30 12:00+02', 'serious_impropriety', '2025-06-30 12:00+02'),
       (:org, -102, 'assessed', :ua, '2025-06-01', '2025-06-01', '2025-07-01 12:00+02', 'risk_of_serious_impropriety', '2025-07-01 12:00+02'),
       (:org, -103, 'assessed', :ua, '2025-06-01', '2025-06-01', '2025-07-01 12:00+02', 'impropriety', NULL);
SET LOCAL session_replication_role = origin;
SELECT is((SELECT basis FROM sqm.obligations(rule => 'ivo_notification') WHERE object_id = -101), '14 kap. 7 § SoL (2001:453)',
          'seriousness decided 30 June 2025: the old Social Services Act');
SELECT is((SELECT basis FROM sqm.obligations(rule => 'ivo_notification') WHERE object_id = -102), '27 kap. SoL (2025:400)',
          'seriousness decided 1 July 2025: the new Social Services Act');
SELECT is((SELECT count(*) FROM sqm.obligations(rule => 'ivo_notification') WHERE object_id IN (-101, -102)), 2::bigint,
          'one obligation each, never one per basis');
SELECT is((SELECT count(*) FROM sqm.obligations(rule => 'ivo_notification') WHERE object_id = -103), 0::bigint,
          'no IVO clock for an outcome that is not serious');
SELECT is(pg_temp.ob(-102, 'ivo_notification'), 'due 2025-07-04 00:00', 'IVO: 2 working days after 1 July');
SELECT is(pg_temp.ob(-101, 'ivo_notification'), 'due 2025-07-03 00:00', 'IVO: 2 working days after 30 June');

-- ------------------------------------------------------------ measures
SELECT sqm.plan_measure(:org, 'deviation', :d3, 'Ny rutin', 'chef', '2025-05-20', '2025-06-20') AS m1 \gset
SELECT is(pg_temp.ob(:m1, 'measure_done'), 'due 2025-05-21 00:00', 'a measure is due by the end of its due date');
SELECT is(pg_temp.ob(:m1, 'measure_followed_up'), 'due 2025-06-21 00:00', 'and followed up by the end of its follow-up date');

-- ------------------------------------------------------------ outbox and NOTIFY
SELECT is((SELECT count(*) FROM sqm.outbox WHERE org_id = :org AND event = 'new'), 6::bigint,
          'every new report (5 deviations, 1 lex Sarah report) is in the outbox, with no one listening');
SELECT is((SELECT kind || ' ' || event FROM sqm.outbox WHERE object_id = :ls), 'lex_sarah_report new', 'a new lex Sarah report is announced');
SELECT is((SELECT array_agg(k ORDER BY k) FROM sqm.outbox o, json_object_keys(sqm.outbox_payload(o)::json) k WHERE o.object_id = :d1),
          '{due_at,event,id,kind,rule,seq}'::text[], 'the payload has kind, id, event, rule, due_at and seq only');
SELECT ok((SELECT strpos(sqm.outbox_payload(o), 'bemötande') = 0 FROM sqm.outbox o WHERE o.object_id = :ls), 'no description in the payload');
SELECT ok((SELECT strpos(sqm.outbox_payload(o), 'Anna') = 0 FROM sqm.outbox o WHERE o.object_id = :ls), 'no name in the payload');

SELECT sqm.report_deviation(:orgb, :b1, 'SoL', '2025-05-06', 'B:s avvikelse', '{info}', '2025-05-06 09:00+02') AS db \gset
SET LOCAL sqm.frozen_now = '2025-05-08 12:00+02';
SELECT cmp_ok(sqm.sweep(), '>', 0, 'the sweep writes overdue and due-soon obligations');
SELECT is((SELECT event || ' ' || rule FROM sqm.outbox WHERE object_id = :ls AND event <> 'new' ORDER BY seq LIMIT 1),
          'overdue lex_sarah_protective_action', 'an overdue obligation is in the outbox with its rule');
SELECT is((SELECT count(*) FROM sqm.outbox WHERE object_id = :m1 AND event <> 'new'), 0::bigint, 'nothing for an obligation not yet due soon');
CREATE TEMP TABLE outbox_before AS SELECT * FROM sqm.outbox;
SELECT is(sqm.sweep(), 0, 'a second sweep finds nothing new');
SELECT set_eq('SELECT * FROM sqm.outbox', 'SELECT * FROM outbox_before', 'and changes nothing');
SET LOCAL sqm.frozen_now = '2025-05-14 00:00+02';
SELECT count(*) AS before FROM sqm.outbox \gset
SELECT sqm.sweep() AS swept \gset
SELECT is((SELECT count(*) FROM sqm.outbox) - :before, :swept::bigint, 'a week later the sweep returns how many events it wrote');
SELECT is((SELECT string_agg(event, ',') FROM sqm.outbox WHERE object_id = :m1 AND event <> 'new'), 'due_soon',
          'the measure is due soon (7 days before the end of its due date)');
SELECT is((SELECT event FROM sqm.outbox WHERE object_id = :db AND event <> 'new'), 'overdue',
          'B''s untriaged deviation went straight to overdue between two sweeps');
SET LOCAL sqm.frozen_now = '2025-05-21 00:00+02';
SELECT cmp_ok(sqm.sweep(), '>=', 1, 'at its due time the measure becomes overdue');
SELECT is((SELECT string_agg(event, ',' ORDER BY seq) FROM sqm.outbox WHERE object_id = :m1 AND event <> 'new'), 'due_soon,overdue',
          'each event once');
SELECT is(sqm.sweep(), 0, 'and the next sweep again nothing');

-- acknowledgement
SELECT seq AS ev FROM sqm.outbox WHERE object_id = :d1 AND event = 'new' \gset
SELECT is(pg_temp.state_as('tdl_coordinator_b', format('SELECT sqm.acknowledge_outbox(%s, %s)', :org, :ev)), '42501',
          'another organisation cannot acknowledge');
SELECT is(pg_temp.state_as('tdl_reader', format('SELECT sqm.acknowledge_outbox(%s, %s)', :org, :ev)), '42501',
          'a report reader cannot acknowledge');
SELECT is(pg_temp.state_as('tdl_manager', format('SELECT sqm.acknowledge_outbox(%s, %s)', :org, :ev)), 'ok',
          'the unit manager acknowledges');
SELECT is((SELECT acknowledged_by FROM sqm.outbox WHERE org_id = :org AND seq = :ev), 'tdl_manager', 'who acknowledged is recorded');
SELECT is(pg_temp.state_as('tdl_coordinator', format('SELECT sqm.acknowledge_outbox(%s, %s)', :org, :ev)), 'ok',
          'a second acknowledgement is accepted');
SELECT is((SELECT acknowledged_by FROM sqm.outbox WHERE org_id = :org AND seq = :ev), 'tdl_manager', 'the first acknowledgement counts');
SELECT throws_ok(format('SELECT sqm.acknowledge_outbox(%s, -1)', :org), '42704', NULL, 'an unknown event');
SELECT throws_ok(format('UPDATE sqm.outbox SET event = %L WHERE seq = %s', 'overdue', :ev), 'SQ010', NULL, 'the outbox is append-only');
SELECT throws_ok(format('DELETE FROM sqm.outbox WHERE seq = %s', :ev), 'SQ010', NULL, 'outbox events are never deleted');
SELECT is(pg_temp.state_as('tdl_manager', format('UPDATE sqm.outbox SET acknowledged_at = now() WHERE seq = %s', :ev)), '42501',
          'no role writes the outbox directly');

-- ------------------------------------------------------------ access
SELECT is(pg_temp.value_as('tdl_coordinator', format('SELECT count(*) FROM sqm.obligation WHERE org_id = %s', :orgb)), '0',
          'A''s coordinator sees none of B''s obligations');
SELECT is(pg_temp.value_as('tdl_coordinator', format('SELECT count(*) FROM sqm.outbox WHERE org_id = %s', :orgb)), '0',
          'A''s coordinator sees none of B''s outbox events');
SELECT is(pg_temp.value_as('tdl_coordinator_b', format('SELECT count(*) FROM sqm.obligation WHERE org_id = %s AND rule = %L', :orgb, 'deviation_triage')), '1',
          'B''s coordinator sees B''s obligation');
SELECT is(pg_temp.value_as('tdl_coordinator', 'SELECT count(*) FROM sqm.obligation'),
          (SELECT count(*)::text FROM sqm.obligations(:org)), 'A''s coordinator sees every obligation of A');
SELECT is(pg_temp.value_as('tdl_manager', format('SELECT count(DISTINCT kind) FROM sqm.obligations(%s)', :org)), '4',
          'the unit manager sees obligations of every kind of the unit');
-- the open obligations come from a plan kept per backend, made above as
-- the superuser: each role still sees only its own
SELECT cmp_ok((SELECT count(*) FROM sqm.obligations(:orgb, open_only => true)), '>', 0::bigint, 'B has open obligations');
SELECT is(pg_temp.value_as('tdl_coordinator', format('SELECT count(*) FROM sqm.obligations(%s, open_only => true)', :orgb)), '0',
          'A''s coordinator sees none of B''s open obligations');
SELECT is(pg_temp.value_as('tdl_coordinator', 'SELECT string_agg(DISTINCT org_id::text, '','') FROM sqm.obligations(open_only => true)'),
          :org::text, 'and, asking for every organisation, only A''s');
SELECT is(pg_temp.value_as('tdl_coordinator_b', format('SELECT count(*) FROM sqm.obligations(%s, open_only => true)', :orgb)),
          (SELECT count(*)::text FROM sqm.obligations(:orgb, open_only => true)), 'B''s coordinator sees every open obligation of B');
SELECT is(pg_temp.state_as('tdl_reader', format('SELECT count(*) FROM sqm.obligation WHERE org_id = %s', :org)),
          '42501', 'a report reader does not read the obligations (their times are exact times)');
SELECT is(pg_temp.state_as('tdl_reader', 'SELECT count(*) FROM sqm.outbox'), '42501', 'a report reader does not read the outbox');
-- The outbox's row policy, evaluated: with the table granted (inside this
-- test), a report reader sees none of its organisation's events, and a unit
-- manager only those of their own units.
SELECT sqm.report_deviation(:org, :adm, 'SoL', '2025-05-20', 'Förvaltningens egen avvikelse', '{info}', '2025-05-20 09:00+02') AS dadm \gset
SELECT is((SELECT string_agg(DISTINCT unit_id::text, ',' ORDER BY unit_id::text) FROM sqm.outbox WHERE org_id = :org),
          (SELECT string_agg(u::text, ',' ORDER BY u::text) FROM unnest(ARRAY[:adm, :ua]::bigint[]) u),
          'the organisation''s outbox holds events of two units');
GRANT SELECT ON sqm.outbox TO tdl_reader;
SELECT is(pg_temp.value_as('tdl_reader', format('SELECT count(*) FROM sqm.outbox WHERE org_id = %s', :org)), '0',
          'granted the table, a report reader still sees no outbox event: the policy asks for read_cases');
SELECT is(pg_temp.value_as('tdl_manager', format('SELECT string_agg(DISTINCT unit_id::text, '','') FROM sqm.outbox WHERE org_id = %s', :org)),
          :ua::text, 'a unit manager sees only the outbox events of their own unit');
SELECT is(pg_temp.value_as('tdl_manager', format('SELECT count(*) FROM sqm.outbox WHERE object_id = %s', :dadm)), '0',
          'not the event of the administration above their unit');
SELECT is(pg_temp.value_as('tdl_coordinator', format('SELECT count(*) FROM sqm.outbox WHERE object_id = %s', :dadm)), '1',
          'which the quality coordinator sees');
SELECT cmp_ok((SELECT count(*) FROM sqm.obligations(:org, open_only => true) WHERE unit_id <> :ua), '>', 0::bigint,
              'A has open obligations outside the unit manager''s unit');
SELECT is(pg_temp.value_as('tdl_manager', 'SELECT string_agg(DISTINCT unit_id::text, '','') FROM sqm.obligations(open_only => true)'),
          :ua::text, 'the unit manager sees the open obligations of their own unit only');
SELECT is(pg_temp.state_as('tdl_reporter', 'SELECT count(*) FROM sqm.obligation'), '42501', 'a reporter does not read obligations');

-- ------------------------------------------------------------ lapsed clocks; the open obligations
-- A clock whose stop event can no longer happen -- the case the event is
-- recorded on (its holder) is final -- lapses: open_only and the sweep leave
-- it out, and the open obligations are found from the cases that are not
-- final (doc/deadlines.md).
SET LOCAL sqm.frozen_now = '2025-05-21 09:00+02';
SELECT sqm.report_deviation(:org, :ua, 'SoL', '2025-05-20 08:00+02', 'Fel 5', '{info}', '2025-05-20 09:00+02') AS dw \gset
SELECT sqm.report_deviation(:org, :ua, 'SoL', '2025-05-20 08:00+02', 'Fel 6', '{info}', '2025-05-20 09:00+02') AS dk \gset
SELECT is(pg_temp.ob(:dw, 'deviation_triage'), 'due 2025-05-24 00:00', 'an untriaged deviation: its triage is due');
SELECT sqm.withdraw_deviation(:org, :dw, 'reported', 'Rapporterad av misstag');
SELECT is(pg_temp.ob(:dw, 'deviation_triage'), 'lapsed 2025-05-24 00:00', 'withdrawn before triage: the triage clock lapses');
SELECT is((SELECT string_agg(object_id::text, ',' ORDER BY object_id) FROM sqm.obligations(:org, rule => 'deviation_triage', open_only => true)
            WHERE object_id IN (:dw, :dk)), :dk::text, 'open_only: the withdrawn deviation''s clock is not open, its sibling''s is');
SELECT is((SELECT stopped_at FROM sqm.obligations(rule => 'deviation_triage') WHERE object_id = :dw), NULL,
          'a lapsed clock never stopped');

SELECT sqm.plan_measure(:org, 'deviation', :d1, 'Utbildning', 'chef', '2025-06-02', '2025-06-30') AS mc \gset
SELECT sqm.cancel_measure(:org, :mc, 'planned', 'Ersatt av en annan åtgärd');
SELECT is((SELECT string_agg(rule || ' ' || status, ', ' ORDER BY rule) FROM sqm.obligations(kind => 'measure') WHERE object_id = :mc),
          'measure_done lapsed, measure_followed_up lapsed', 'a cancelled measure''s clocks lapse');
SELECT is((SELECT count(*) FROM sqm.obligations(kind => 'measure', open_only => true) WHERE object_id = :mc), 0::bigint,
          'and are not open');

-- the report's clocks are recorded on its investigation: they lapse when
-- the investigation closes without them (early, with no protective action
-- recorded), and the completion clock is met by the close
SELECT is(pg_temp.ob(:ls, 'lex_sarah_protective_action'), 'overdue 2025-05-08 08:00', 'no protective action recorded: overdue');
SELECT sqm.close_lex_sarah_early(:org, :inv, 'under_investigation', 'Det stod klart att det inte var ett missförhållande');
SELECT is(pg_temp.ob(:ls, 'lex_sarah_protective_action'), 'lapsed 2025-05-08 08:00',
          'the investigation closed without recording one: the clock lapses');
SELECT is(pg_temp.ob(:ls, 'lex_sarah_investigation_completed'), 'met 2025-07-07 08:00', 'an early close completes the investigation');
SELECT is((SELECT count(*) FROM sqm.obligations(kind => 'lex_sarah_report', open_only => true) WHERE object_id = :ls), 0::bigint,
          'no clock of the report is open once its investigation is closed');
SELECT sqm.report_lex_sarah(:org, :ua, 'SoL', '2025-05-20 12:00+02', 'Brist', 'Bo', 'Skötare', '2025-05-20 13:00+02') AS ls2 \gset
SELECT sqm.receive_lex_sarah(:org, :ls2, '2025-05-20 14:00+02');
SELECT is((SELECT string_agg(rule, ', ' ORDER BY rule) FROM sqm.obligations(:org, open_only => true) WHERE object_id = :ls2),
          'lex_sarah_investigation_completed, lex_sarah_investigation_started, lex_sarah_protective_action, lex_sarah_routed',
          'a report not yet assigned: every clock is open, waiting for an investigation');

-- the open obligations are exactly the obligations neither met nor lapsed
SELECT bag_eq('SELECT * FROM sqm.obligations(open_only => true)',
              $$SELECT * FROM sqm.obligations() WHERE status IN ('due', 'due_soon', 'overdue')$$,
              'open_only gives the obligations of the full computation that are due, due soon or overdue');
SELECT bag_eq(format('SELECT * FROM sqm.obligations(%s, %s, open_only => true)', :org, :ua),
              format($$SELECT * FROM sqm.obligations(%s, %s) WHERE status IN ('due', 'due_soon', 'overdue')$$, :org, :ua),
              'for one organisation and unit too');
SELECT bag_eq($$SELECT * FROM sqm.obligations(kind => 'lex_sarah_report', open_only => true)$$,
              $$SELECT * FROM sqm.obligations(kind => 'lex_sarah_report') WHERE status IN ('due', 'due_soon', 'overdue')$$,
              'for one kind');
SELECT bag_eq($$SELECT * FROM sqm.obligations(rule => 'lex_sarah_routed', open_only => true)$$,
              $$SELECT * FROM sqm.obligations(rule => 'lex_sarah_routed') WHERE status IN ('due', 'due_soon', 'overdue')$$,
              'for one rule');
SELECT bag_eq(format('SELECT * FROM sqm.obligations(%s, open_only => true)', :orgb),
              format($$SELECT * FROM sqm.obligations(%s) WHERE status IN ('due', 'due_soon', 'overdue')$$, :orgb),
              'for another organisation');
SELECT is((SELECT string_agg(rule, ', ' ORDER BY rule) FROM sqm.obligations() WHERE status = 'lapsed'),
          'deviation_triage, lex_sarah_protective_action, measure_done, measure_followed_up, test_legal',
          'five clocks lapsed: the withdrawn deviation''s two (triage and the test''s legal rule), the cancelled measure''s two, the protective action');

-- the sweep announces no lapsed clock
SET LOCAL sqm.frozen_now = '2025-06-10 09:00+02';
SELECT cmp_ok(sqm.sweep(), '>', 0, 'weeks later the sweep announces what is overdue');
SELECT is((SELECT count(*) FROM sqm.outbox WHERE object_id IN (:dw, :mc) AND event <> 'new'), 0::bigint,
          'but nothing of a lapsed clock');
SELECT is((SELECT string_agg(event, ',') FROM sqm.outbox WHERE object_id = :dk AND rule = 'deviation_triage'), 'overdue',
          'while the untriaged sibling is announced overdue');

-- holders as data: a column of the kind holding the id of a case of a kind
SELECT throws_ok($$INSERT INTO sqm.deadline_event (kind, event, expression, label_sv, label_en, holder_column, holder_kind)
                  VALUES ('deviation', 'x', 'o.closed_at', 'x', 'x', 'regime', 'lex_sarah_report')$$,
                 '42804', 'deadline event "x" of kind deviation: the holder column "regime" is of type text, not bigint',
                 'a holder column that holds no id is refused');
SELECT throws_ok($$INSERT INTO sqm.deadline_event (kind, event, expression, label_sv, label_en, holder_column, holder_kind)
                  VALUES ('deviation', 'x', 'o.closed_at', 'x', 'x', 'no_such_column', 'lex_sarah_report')$$,
                 '42703', NULL, 'an unknown holder column is refused');
SELECT throws_ok($$INSERT INTO sqm.deadline_event (kind, event, expression, label_sv, label_en, holder_column, holder_kind)
                  VALUES ('deviation', 'x', 'o.closed_at', 'x', 'x', 'id', 'no_such_kind')$$,
                 '23503', NULL, 'an unknown holder kind is refused');
SELECT throws_ok($$INSERT INTO sqm.deadline_event (kind, event, expression, label_sv, label_en, holder_column)
                  VALUES ('deviation', 'x', 'o.closed_at', 'x', 'x', 'id')$$,
                 '23514', NULL, 'a holder column without its kind is refused');

-- the obligations of a range of start moments (what the statistics of a
-- period read): exactly those of the full computation that started in
-- [from, before) -- the first start included, the last excluded
SELECT min(started_at) AS ob_from, max(started_at) AS ob_before FROM sqm.obligations() \gset
SELECT cmp_ok((SELECT count(*) FROM sqm.obligations() WHERE started_at > :'ob_from' AND started_at < :'ob_before'), '>', 0::bigint,
              'obligations started strictly inside the range exist');
SELECT is((SELECT string_agg(format('%s %s %s %s %s', o.org_id, o.object_id, o.rule, o.due_at, o.status), '; '
                             ORDER BY o.org_id, o.object_id, o.rule)
             FROM sqm.obligations_run(NULL, NULL, NULL, NULL, false, :'ob_from', :'ob_before')
                  AS o(org_id, kind, object_id, unit_id, rule, legal, basis, started_at, due_at, stopped_at, status)),
          (SELECT string_agg(format('%s %s %s %s %s', o.org_id, o.object_id, o.rule, o.due_at, o.status), '; '
                             ORDER BY o.org_id, o.object_id, o.rule)
             FROM sqm.obligations() o WHERE o.started_at >= :'ob_from' AND o.started_at < :'ob_before'),
          'a range of start moments gives the obligations of the full computation that started in it, the first start included and the last excluded');
-- the statistics of a period count what the full computation counts
SELECT (min(started_at) AT TIME ZONE 'Europe/Stockholm')::date + 1 AS st_first,
       (max(started_at) AT TIME ZONE 'Europe/Stockholm')::date - 1 AS st_last
  FROM sqm.obligations(:org) \gset
SELECT cmp_ok((SELECT sum(cases) FROM sqm.stat_obligations(:org, :'st_first', :'st_last', :'st_last', 'sv')), '>', 0::bigint,
              'a period in the middle of the obligations has some');
SELECT is((SELECT sum(cases) FROM sqm.stat_obligations(:org, :'st_first', :'st_last', :'st_last', 'sv')),
          (SELECT count(*) FROM sqm.obligations(:org)
            WHERE (started_at AT TIME ZONE 'Europe/Stockholm')::date BETWEEN :'st_first' AND :'st_last'
              AND started_at < (:'st_last'::date + 1)::timestamp AT TIME ZONE 'Europe/Stockholm'),
          'sqm.stat_obligations counts the obligations of the full computation that started in the period');
-- the total (sqm.stat_obligation_total) counts what the rows count, also
-- when the status day ends before the period: nothing started after it
SELECT cmp_ok((SELECT count(*) FROM sqm.obligations(:org)
                WHERE started_at >= '2025-05-20 00:00 Europe/Stockholm' AND started_at < '2026-01-01 00:00 Europe/Stockholm'),
              '>', 0::bigint, 'obligations start after 2025-05-19');
SELECT is((SELECT cases FROM sqm.stat_obligation_cases(:org, '2025-01-01', '2025-12-31', '2025-05-19')),
          (SELECT sum(cases)::integer FROM sqm.stat_obligations(:org, '2025-01-01', '2025-12-31', '2025-05-19', 'sv')),
          'the total of 2025 with the status of 2025-05-19 is the sum of its rows');
SELECT is((SELECT cases FROM sqm.stat_obligation_cases(:org, :'st_first', :'st_last', :'st_last')),
          (SELECT sum(cases)::integer FROM sqm.stat_obligations(:org, :'st_first', :'st_last', :'st_last', 'sv')),
          'and so is the total of a period in the middle of the obligations');

-- the period form, planned once per backend (sqm.obligations_period): the
-- same obligations, and a measure's stored due day only narrows the range
SELECT is((SELECT string_agg(format('%s %s %s %s %s', o.org_id, o.object_id, o.rule, o.due_at, o.status), '; '
                             ORDER BY o.org_id, o.object_id, o.rule)
             FROM sqm.obligations_period(:org, :'ob_from', :'ob_before') o),
          (SELECT string_agg(format('%s %s %s %s %s', o.org_id, o.object_id, o.rule, o.due_at, o.status), '; '
                             ORDER BY o.org_id, o.object_id, o.rule)
             FROM sqm.obligations(:org) o WHERE o.started_at >= :'ob_from' AND o.started_at < :'ob_before'),
          'the obligations of a period are those of the full computation that started in it');
SELECT is((SELECT string_agg(o.rule, ', ' ORDER BY o.rule)
             FROM sqm.obligations_period(:org, '2025-05-20 00:00 Europe/Stockholm',
                                         '2025-05-20 00:00 Europe/Stockholm'::timestamptz + '1 microsecond')
                  o WHERE o.object_id = :m1),
          'measure_done', 'a measure due on a day starts its clock at the first moment of that day, local time');
SELECT is((SELECT count(*) FROM sqm.obligations_period(:org, '2025-05-19 00:00 Europe/Stockholm', '2025-05-20 00:00 Europe/Stockholm')
            WHERE object_id = :m1), 0::bigint, 'and not on the day before');
-- the query is kept until a rule changes: a rule added after a count is counted next time
SELECT is((SELECT count(*) FROM sqm.stat_obligations(:org, :'st_first', :'st_last', :'st_last', 'sv') WHERE rule = 'test_kept'),
          0::bigint, 'a rule that does not exist is not counted');
INSERT INTO sqm.deadline_rule (rule, kind, start_event, stop_event, length, unit, basis, label_sv, label_en)
VALUES ('test_kept', 'deviation', 'reported', 'closed', 30, 'calendar_days', 'x', 'x', 'x');
SELECT is((SELECT cases FROM sqm.stat_obligations(:org, :'st_first', :'st_last', :'st_last', 'sv') WHERE rule = 'test_kept'),
          (SELECT count(*)::integer FROM sqm.obligations(:org, rule => 'test_kept')
            WHERE (started_at AT TIME ZONE 'Europe/Stockholm')::date BETWEEN :'st_first' AND :'st_last'),
          'a rule added after the query was kept is counted');
SELECT cmp_ok((SELECT cases FROM sqm.stat_obligations(:org, :'st_first', :'st_last', :'st_last', 'sv') WHERE rule = 'test_kept'),
              '>', 0, 'and it has obligations in the period');
-- and so is the query of the open obligations
SELECT cmp_ok((SELECT count(*) FROM sqm.obligations(rule => 'test_kept') WHERE status IN ('due', 'due_soon', 'overdue')), '>', 0::bigint,
              'the added rule has open obligations');
SELECT bag_eq($$SELECT * FROM sqm.obligations(rule => 'test_kept', open_only => true)$$,
              $$SELECT * FROM sqm.obligations(rule => 'test_kept') WHERE status IN ('due', 'due_soon', 'overdue')$$,
              'the open obligations of a rule added after the query was kept are found');

SELECT * FROM finish();
ROLLBACK;
