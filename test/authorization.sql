-- Authorisation (src/core/access.c) and the one write path (src/core/write.c):
-- errors that leak nothing, the clock of authorisation, each organisation's
-- delegation order, capabilities only from the lifecycle data, and the kept
-- plans and cache of both.  Dates of the hierarchy are relative to
-- current_date: authorisation uses today's date, by the real clock.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(382);

SELECT sqm.create_roles() \g /dev/null
-- ids of cases, organisations and units never alike (the probes below write an id as N)
SELECT setval('sqm.case_id_seq', greatest(100000, nextval('sqm.case_id_seq'))) \g /dev/null

-- Organisation A: department D1 with unit UA, department D2 with unit UB.
-- Organisation B: unit B1.
SELECT sqm.create_organisation('A', 'SN') AS a \gset
SELECT sqm.create_organisation('B', 'KS') AS b \gset
-- outbox events are numbered per organisation: A's start at 200001 (a row
-- its chain continues from), so that they are unlike every other id
INSERT INTO sqm.outbox (org_id, seq, at, kind, object_id, unit_id, event) VALUES (:a, 200000, now(), 'none', 0, 0, 'new');
SELECT (current_date - 400)::text AS since \gset
SELECT sqm.create_unit(:a, 'Förvaltning A', 'administration', :'since') AS adm \gset
SELECT sqm.create_unit(:a, 'Avdelning 1', 'department', :'since', :adm) AS d1 \gset
SELECT sqm.create_unit(:a, 'Avdelning 2', 'department', :'since', :adm) AS d2 \gset
SELECT sqm.create_unit(:a, 'Enhet A', 'unit', :'since', :d1) AS ua \gset
SELECT sqm.create_unit(:a, 'Enhet B', 'unit', :'since', :d2) AS ub \gset
SELECT sqm.create_unit(:b, 'Förvaltning B', 'administration', :'since') AS b_adm \gset
SELECT sqm.create_unit(:b, 'Enhet B1', 'unit', :'since', :b_adm) AS b1 \gset
SELECT sqm.add_deviation_type(o, 'info', 'Information', 'Information', :'since') FROM unnest(ARRAY[:a, :b]::bigint[]) o \g /dev/null

CREATE ROLE tau_mgr_ua IN ROLE sqm_unit_manager;          -- unit manager of unit A
CREATE ROLE tau_inv_ua IN ROLE sqm_investigator;          -- investigator of unit A
CREATE ROLE tau_coord_a IN ROLE sqm_quality_coordinator;  -- quality coordinator of A
CREATE ROLE tau_coord_b IN ROLE sqm_quality_coordinator;  -- a member of another organisation
CREATE ROLE tau_mgr_b1 IN ROLE sqm_unit_manager;
CREATE ROLE tau_inv_b1 IN ROLE sqm_investigator;
SELECT sqm.grant_membership(:a, 'tau_mgr_ua', 'unit_manager', :ua);
SELECT sqm.grant_membership(:a, 'tau_inv_ua', 'investigator', :ua);
SELECT sqm.grant_membership(:a, 'tau_coord_a', 'quality_coordinator');
SELECT sqm.grant_membership(:b, 'tau_coord_b', 'quality_coordinator');
SELECT sqm.grant_membership(:b, 'tau_mgr_b1', 'unit_manager', :b1);
SELECT sqm.grant_membership(:b, 'tau_inv_b1', 'investigator', :b1);

-- Run a statement as a role: 'ok', or the SQLSTATE, message and detail it
-- failed with, the id probed for written N.
CREATE FUNCTION pg_temp.probe(r text, q text, probed bigint) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text; det text;
BEGIN
    EXECUTE format('SET LOCAL ROLE %I', r);
    BEGIN
        EXECUTE replace(q, '{id}', probed::text);
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
        RESET ROLE;
        RETURN regexp_replace(st || ': ' || msg || ' / ' || coalesce(det, ''), '\m' || probed || '\M', 'N', 'g');
    END;
    RESET ROLE;
    RETURN 'ok';
END $$;
CREATE FUNCTION pg_temp.as_role(r text, q text) RETURNS text LANGUAGE sql AS $$SELECT pg_temp.probe(r, q, -1)$$;
CREATE FUNCTION pg_temp.state_as(r text, q text) RETURNS text LANGUAGE sql AS $$SELECT left(pg_temp.probe(r, q, -1), 5)$$;
CREATE FUNCTION pg_temp.value_as(r text, q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE v text;
BEGIN
    EXECUTE format('SET LOCAL ROLE %I', r);
    EXECUTE q INTO v;
    RESET ROLE;
    RETURN v;
END $$;

-- Cases of unit B (made as the superuser, through the API), and of unit A.
SELECT now() - interval '2 days' AS happened, now() - interval '1 day' AS reported \gset
SELECT sqm.report_deviation(:a, :ub, 'SoL', :'happened', 'Händelse', '{info}', :'reported') AS dev \gset
SELECT sqm.plan_measure(:a, 'deviation', :dev, 'Åtgärd', 'chef', current_date + 10, current_date + 20) AS mea \gset
SELECT sqm.report_lex_sarah(:a, :ub, 'SoL', :'happened', 'Händelse', 'Anna', 'Undersköterska', :'reported') AS lsr \gset
SELECT sqm.report_lex_sarah(:a, :ub, 'SoL', :'happened', 'Händelse', 'Anna', 'Undersköterska', :'reported') AS lsr2 \gset
SELECT sqm.open_lex_sarah_investigation(:a, :ub, ARRAY[:lsr2]::bigint[]) AS inv \gset
SELECT sqm.report_lex_sarah(:a, :ub, 'SoL', :'happened', 'Händelse', 'Anna', 'Undersköterska', :'reported') AS lsr3 \gset
SELECT sqm.open_lex_sarah_investigation(:a, :ub, ARRAY[:lsr3]::bigint[]) AS inv_s \gset
SELECT sqm.start_lex_sarah_investigation(:a, :inv_s, 'opened') \g /dev/null
SELECT sqm.assess_lex_sarah(:a, :inv_s, 'under_investigation', 'serious_impropriety') \g /dev/null
SELECT sqm.draft_ivo_notification(:a, :inv_s, 'Anmälan') AS ivo \gset
SELECT seq AS ev FROM sqm.outbox WHERE org_id = :a AND object_id = :dev \gset
SELECT sqm.report_deviation(:a, :ua, 'SoL', :'happened', 'Händelse', '{info}', :'reported') AS dev_ua \gset
SELECT sqm.report_lex_sarah(:a, :ua, 'SoL', :'happened', 'Händelse', 'Anna', 'Undersköterska', :'reported') AS lsr_ua \gset
SELECT sqm.report_lex_sarah(:a, :ua, 'SoL', :'happened', 'Händelse', 'Anna', 'Undersköterska', :'reported') AS lsr_ua2 \gset
SELECT sqm.open_lex_sarah_investigation(:a, :ua, ARRAY[:lsr_ua2]::bigint[]) AS inv_ua \gset
SELECT nextval('sqm.case_id_seq') AS missing \gset
SELECT max(seq) + 1000 AS ev_missing FROM sqm.outbox \gset

-- ------------------------------------------------------------ errors that leak nothing
-- Every API function that takes an id, probed by a member of another
-- organisation (holds nothing in A: 42501) and by a unit manager and an
-- investigator of unit A (hold capabilities in A: 42704 "no <kind> N that you
-- may ..."), for an id of unit B that exists and one that does not: the same
-- SQLSTATE, message and detail, and no unit named.
CREATE TEMP TABLE probe_call (n serial, kind text, call text);
INSERT INTO probe_call (kind, call) VALUES
    ('deviation', $$SELECT sqm.triage_deviation({org}, {id}, 'reported', 'low')$$),
    ('deviation', $$SELECT sqm.record_deviation_summary({org}, {id}, 'investigating', 'Utrett')$$),
    ('deviation', $$SELECT sqm.withdraw_deviation({org}, {id}, 'reported', 'Dubblett')$$),
    ('deviation', $$SELECT sqm.reclassify_deviation({org}, {id}, 'reported', {dev_ua})$$),
    ('deviation', $$SELECT sqm.reclassify_deviation({org}, {dev_ua}, 'reported', {id})$$),
    ('deviation', $$SELECT sqm.escalate_deviation({org}, {id}, 'reported', '{"reporter_name": "A", "reporter_title": "B"}')$$),
    ('deviation', $$SELECT sqm.forward_deviation({org}, {id}, 'lex_sarah_report', '{}')$$),
    ('deviation', $$SELECT sqm.close_deviation({org}, {id}, 'investigating', 'Inget behövs')$$),
    ('deviation', $$SELECT sqm.record_collaboration_reply({org}, {id}, 'reported')$$),
    ('deviation', $$SELECT sqm.record_no_new_measure({org}, {id}, 'investigating', 'Rättat direkt')$$),
    ('deviation', $$SELECT sqm.move_object('deviation', {org}, {id}, 'triaged', 'investigating')$$),
    ('deviation', $$SELECT sqm.plan_measure({org}, 'deviation', {id}, 'Åtgärd', 'chef', current_date + 1, current_date + 2)$$),
    ('deviation', $$SELECT sqm.link_cases({org}, 'deviation', {id}, 'reclassified_to', 'deviation', {dev_ua})$$),
    ('deviation', $$SELECT sqm.link_cases({org}, 'deviation', {dev_ua}, 'reclassified_to', 'deviation', {id})$$),
    ('deviation', $$SELECT sqm.create_linked_case({org}, 'deviation', {id}, 'escalated_to', 'lex_sarah_report', '{}')$$),
    ('measure', $$SELECT sqm.complete_measure({org}, {id}, 'in_progress')$$),
    ('measure', $$SELECT sqm.evaluate_measure({org}, {id}, 'done', 'yes')$$),
    ('measure', $$SELECT sqm.cancel_measure({org}, {id}, 'planned', 'Behövs inte')$$),
    ('measure', $$SELECT sqm.reschedule_measure({org}, {id}, 'planned', NULL, current_date + 30, 'Flyttad')$$),
    ('measure', $$SELECT sqm.move_object('measure', {org}, {id}, 'planned', 'in_progress')$$),
    ('lex_sarah_report', $$SELECT sqm.receive_lex_sarah({org}, {id})$$),
    ('lex_sarah_report', $$SELECT sqm.assign_lex_sarah_report({org}, {id}, {inv_ua})$$),
    ('lex_sarah_report', $$SELECT sqm.open_lex_sarah_investigation({org}, {ua}, ARRAY[{id}]::bigint[])$$),
    ('lex_sarah_investigation', $$SELECT sqm.assign_lex_sarah_report({org}, {lsr_ua}, {id})$$),
    ('lex_sarah_investigation', $$SELECT sqm.start_lex_sarah_investigation({org}, {id}, 'opened')$$),
    ('lex_sarah_investigation', $$SELECT sqm.record_lex_sarah({org}, {id}, 'what_happened', 'x', 'y', 'fact', 'A', 'B')$$),
    ('lex_sarah_investigation', $$SELECT sqm.assess_lex_sarah({org}, {id}, 'under_investigation', 'impropriety')$$),
    ('lex_sarah_investigation', $$SELECT sqm.assess_lex_sarah({org}, {id}, 'under_investigation', 'serious_impropriety')$$),
    ('lex_sarah_investigation', $$SELECT sqm.complete_lex_sarah({org}, {id}, 'assessed')$$),
    ('lex_sarah_investigation', $$SELECT sqm.close_lex_sarah({org}, {id}, 'completed')$$),
    ('lex_sarah_investigation', $$SELECT sqm.close_lex_sarah_early({org}, {id}, 'opened', 'Inget missförhållande')$$),
    ('lex_sarah_investigation', $$SELECT sqm.draft_ivo_notification({org}, {id}, 'Anmälan')$$),
    ('lex_sarah_investigation', $$SELECT sqm.plan_measure({org}, 'lex_sarah_investigation', {id}, 'Åtgärd', 'chef', current_date + 1, current_date + 2)$$),
    ('ivo_notification', $$SELECT sqm.revise_ivo_notification({org}, {id}, 'draft', 'Ändrad')$$),
    ('ivo_notification', $$SELECT sqm.send_ivo_notification({org}, {id}, 'draft', 'SN 2025/1', 'Ordföranden')$$),
    ('ivo_notification', $$SELECT sqm.withdraw_ivo_notification({org}, {id}, 'draft', 'Skickas inte')$$),
    ('ivo_notification', $$SELECT sqm.supplement_ivo_notification({org}, {id}, 'Mer')$$),
    ('ivo_notification', $$SELECT sqm.record_ivo_answer({org}, {id}, 'criticism')$$),
    ('outbox', $$SELECT sqm.acknowledge_outbox({org}, {id})$$);
UPDATE probe_call SET call = replace(replace(replace(replace(replace(call,
    '{org}', :'a'), '{ua}', :'ua'), '{dev_ua}', :'dev_ua'), '{inv_ua}', :'inv_ua'), '{lsr_ua}', :'lsr_ua');
CREATE TEMP TABLE probe_id AS
SELECT * FROM (VALUES ('deviation', :dev::bigint, :missing::bigint), ('measure', :mea, :missing),
                      ('lex_sarah_report', :lsr, :missing), ('lex_sarah_investigation', :inv, :missing),
                      ('ivo_notification', :ivo, :missing), ('outbox', :ev, :ev_missing)) v(kind, existing, missing);
CREATE TEMP TABLE probe_result AS
SELECT c.n, c.kind, c.call, r.prober,
       pg_temp.probe(r.prober, c.call, i.existing) AS existing,
       pg_temp.probe(r.prober, c.call, i.missing) AS missing
  FROM probe_call c JOIN probe_id i USING (kind)
 CROSS JOIN unnest(ARRAY['tau_coord_b', 'tau_mgr_ua', 'tau_inv_ua']) r(prober);

SELECT is(existing, missing, format('%s: %s — the same error for a case of unit B and a missing one', prober, call))
  FROM probe_result ORDER BY n, prober;
SELECT ok(left(existing, 5) IN ('42501', '42704') AND position(('unit ' || :ub) IN existing) = 0,
          format('%s: %s — refused (42501 or 42704) naming no unit: %s', prober, call, existing))
  FROM probe_result ORDER BY n, prober;
SELECT is(left(existing, 5), '42501', format('a member of another organisation: %s — 42501', call))
  FROM probe_result WHERE prober = 'tau_coord_b' ORDER BY n;
SELECT is((SELECT count(*) FROM probe_result WHERE prober <> 'tau_coord_b' AND left(existing, 5) = '42704'), 52::bigint,
          'where the caller holds the capability in the organisation, the refusal is 42704 ("no <kind> N that you may …")');
SELECT is((SELECT existing FROM probe_result WHERE prober = 'tau_mgr_ua' AND call LIKE '%triage_deviation%'),
          format('42704: no deviation N that you may move to "triaged" / Organisation %s has no deviation N, or none that your sqm roles with capability "triage" cover.', :a),
          'the contract''s message and detail');
SELECT is((SELECT existing FROM probe_result WHERE prober = 'tau_coord_b' AND call LIKE '%triage_deviation%'),
          format('42501: permission denied to move deviation N to "triaged" / The caller (role "tau_coord_b") has no sqm role with capability "triage" in organisation %s.', :a),
          'and of a caller who holds the capability nowhere in the organisation');
SELECT is((SELECT (state, severity IS NULL)::text FROM sqm.deviation WHERE id = :dev), '(reported,t)', 'unit B''s deviation is unchanged');
SELECT is((SELECT count(*) FROM sqm.measure WHERE source_id IN (:dev, :inv, :missing)), 1::bigint,
          'and no measure was planned for a case of unit B');
SELECT is((SELECT count(*) FROM sqm.case_link WHERE from_id IN (:dev, :missing) OR to_id IN (:dev, :missing)), 0::bigint,
          'nor a link made');

-- The caller's own unit, for contrast: the same calls pass.
SELECT is(pg_temp.as_role('tau_mgr_ua', format($$SELECT sqm.triage_deviation(%s, %s, 'reported', 'low')$$, :a, :dev_ua)), 'ok',
          'the unit manager of unit A triages unit A''s deviation');
SELECT is(pg_temp.as_role('tau_inv_ua', format($$SELECT sqm.receive_lex_sarah(%s, %s)$$, :a, :lsr_ua)), 'ok',
          'the investigator of unit A receives unit A''s lex Sarah report');

-- Creating a case for a unit: authorisation before the unit's existence.
SELECT is(regexp_replace(pg_temp.as_role('tau_mgr_ua', format($$SELECT sqm.report_deviation(%s, %s, 'SoL', now(), 'x', '{info}')$$, :a, :ub)),
                         '\m' || :ub || '\M', 'N', 'g'),
          regexp_replace(pg_temp.as_role('tau_mgr_ua', format($$SELECT sqm.report_deviation(%s, %s, 'SoL', now(), 'x', '{info}')$$, :a, :missing)),
                         '\m' || :missing || '\M', 'N', 'g'),
          'reporting for a unit elsewhere and for a missing unit are refused alike');
SELECT is(pg_temp.state_as('tau_mgr_ua', format($$SELECT sqm.report_deviation(%s, %s, 'SoL', now(), 'x', '{info}')$$, :a, :ub)), '42501',
          'with 42501');
SELECT is(pg_temp.state_as('tau_coord_b', format($$SELECT sqm.report_lex_sarah(%s, %s, 'SoL', now(), 'x', 'A', 'B')$$, :a, :ua)), '42501',
          'a member of another organisation reports nothing there');
SELECT is(pg_temp.state_as('tau_coord_b', format($$SELECT sqm.open_lex_sarah_investigation(%s, %s, ARRAY[%s]::bigint[])$$, :a, :ua, :lsr)), '42501',
          'nor opens an investigation');

-- Escalation to lex Sarah (the report is made by create_linked_case through
-- the constructor) authorises the deviation before reading anything of it.
SELECT is(pg_temp.as_role('tau_inv_ua', format($$SELECT sqm.escalate_deviation(%s, %s, 'triaged', '{"reporter_name": "A", "reporter_title": "B"}')$$, :a, :dev)),
          format('42704: no deviation %s that you may move to "escalated" / Organisation %s has no deviation %s, or none that your sqm roles with capability "escalate" cover.', :dev, :a, :dev),
          'escalating a deviation of another unit is refused as if it did not exist, before its state is looked at');
SELECT is(pg_temp.state_as('tau_inv_ua', format($$SELECT sqm.escalate_deviation(%s, %s, 'triaged', '{"reporter_name": "A", "reporter_title": "B"}')$$, :a, :dev_ua)),
          'ok', 'a deviation of the investigator''s unit is escalated');
SELECT is((SELECT count(*) FROM sqm.case_link WHERE from_id = :dev_ua AND relation = 'escalated_to'), 1::bigint,
          'linked to the lex Sarah report it led to');

-- ------------------------------------------------------------ the quality coordinator reads the audit trail
SELECT is(pg_temp.value_as('tau_coord_a', format($$SELECT sqm.may(%s, NULL, 'read_audit')$$, :a)), 'true',
          'the quality coordinator holds read_audit');
SELECT cmp_ok(pg_temp.value_as('tau_coord_a', format('SELECT count(*) FROM sqm.audit_event WHERE org_id = %s', :a))::bigint, '>', 0::bigint,
              'and reads the organisation''s audit trail');
SELECT is(pg_temp.value_as('tau_coord_a', format('SELECT count(*) FROM sqm.audit_event WHERE org_id = %s', :b)), '0',
          'not another organisation''s');
SELECT is(pg_temp.value_as('tau_coord_a', format('SELECT ok FROM sqm.verify_audit(%s)', :a)), 'true', 'and verifies it');

-- ------------------------------------------------------------ a department that lost a unit
-- Organisation C: unit MOVED was under department C1 until 30 days ago, then
-- under C2; unit ENDED (under C1) ended 20 days ago and C2's unit SUCC holds
-- its history.  C1's manager reads and moves nothing of either, whatever the
-- clock says; C2's manager handles both.
SELECT sqm.create_organisation('C', 'SN') AS c \gset
SELECT sqm.create_unit(:c, 'Förvaltning C', 'administration', :'since') AS c_adm \gset
SELECT sqm.create_unit(:c, 'Avdelning C1', 'department', :'since', :c_adm) AS c1 \gset
SELECT sqm.create_unit(:c, 'Avdelning C2', 'department', :'since', :c_adm) AS c2 \gset
SELECT sqm.create_unit(:c, 'Flyttad', 'unit', :'since', :c1) AS moved \gset
SELECT sqm.create_unit(:c, 'Avslutad', 'unit', :'since', :c1) AS ended \gset
SELECT sqm.create_unit(:c, 'Efterträdare', 'unit', :'since', :c2) AS succ \gset
SELECT sqm.add_deviation_type(:c, 'info', 'Information', 'Information', :'since') \g /dev/null
SELECT sqm.report_deviation(:c, :moved, 'SoL', now() - interval '101 days', 'Händelse', '{info}', now() - interval '100 days') AS dev_moved \gset
SELECT sqm.report_deviation(:c, :ended, 'SoL', now() - interval '61 days', 'Händelse', '{info}', now() - interval '60 days') AS dev_ended \gset
SELECT sqm.move_unit(:c, :moved, :c2, current_date - 30) \g /dev/null
SELECT sqm.end_unit(:c, :ended, current_date - 20) \g /dev/null
SELECT sqm.link_successor(:c, :ended, :succ, current_date - 19, 'merge') \g /dev/null
CREATE ROLE tau_mgr_c1 IN ROLE sqm_unit_manager;
CREATE ROLE tau_mgr_c2 IN ROLE sqm_unit_manager;
SELECT sqm.grant_membership(:c, 'tau_mgr_c1', 'unit_manager', :c1);
SELECT sqm.grant_membership(:c, 'tau_mgr_c2', 'unit_manager', :c2);

CREATE TEMP TABLE clock (n int, frozen text);
INSERT INTO clock VALUES (1, ''), (2, (now() - interval '100 days')::text), (3, (now() - interval '45 days')::text),
                         (4, (now() - interval '365 days')::text), (5, (now() + interval '30 days')::text);
-- Each clock is set as the superuser, and the authorisation cache is made to
-- load again under it (a no-op update of the organisation invalidates it).
CREATE FUNCTION pg_temp.at_clock(frozen text, r text, q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE v text;
BEGIN
    PERFORM set_config('sqm.frozen_now', frozen, true);
    UPDATE sqm.organisation SET name = name WHERE name = 'C';
    v := pg_temp.value_as(r, q);
    PERFORM set_config('sqm.frozen_now', '', true);
    RETURN v;
END $$;
CREATE FUNCTION pg_temp.at_clock_probe(frozen text, r text, q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE v text;
BEGIN
    PERFORM set_config('sqm.frozen_now', frozen, true);
    UPDATE sqm.organisation SET name = name WHERE name = 'C';
    v := pg_temp.as_role(r, q);
    PERFORM set_config('sqm.frozen_now', '', true);
    RETURN v;
END $$;

SELECT is(pg_temp.at_clock(frozen, 'tau_mgr_c1', format('SELECT count(*) FROM sqm.deviation WHERE org_id = %s', :c)), '0',
          format('sqm.frozen_now %s: the manager of the department that lost the units sees none of their deviations',
                 coalesce(nullif(frozen, ''), 'not set')))
  FROM clock ORDER BY n;
SELECT is(pg_temp.at_clock(frozen, 'tau_mgr_c1', format('SELECT count(*) FROM sqm.deviation_detail WHERE org_id = %s', :c)), '0',
          format('sqm.frozen_now %s: nor what was written in them', coalesce(nullif(frozen, ''), 'not set')))
  FROM clock ORDER BY n;
SELECT is(pg_temp.at_clock_probe(frozen, 'tau_mgr_c1', format($$SELECT sqm.triage_deviation(%s, %s, 'reported', 'low')$$, :c, :dev_moved)),
          format('42704: no deviation %s that you may move to "triaged" / Organisation %s has no deviation %s, or none that your sqm roles with capability "triage" cover.',
                 :dev_moved, :c, :dev_moved),
          format('sqm.frozen_now %s: nor triages the moved unit''s deviation', coalesce(nullif(frozen, ''), 'not set')))
  FROM clock ORDER BY n;
SELECT is(pg_temp.at_clock_probe(frozen, 'tau_mgr_c1', format($$SELECT sqm.withdraw_deviation(%s, %s, 'reported', 'x')$$, :c, :dev_ended)),
          format('42704: no deviation %s that you may move to "withdrawn" / Organisation %s has no deviation %s, or none that your sqm roles with capability "withdraw" cover.',
                 :dev_ended, :c, :dev_ended),
          format('sqm.frozen_now %s: nor withdraws the ended unit''s deviation', coalesce(nullif(frozen, ''), 'not set')))
  FROM clock ORDER BY n;
SELECT is(pg_temp.at_clock(frozen, 'tau_mgr_c2', format('SELECT count(*) FROM sqm.deviation WHERE org_id = %s', :c)), '2',
          format('sqm.frozen_now %s: the department that holds them today sees both', coalesce(nullif(frozen, ''), 'not set')))
  FROM clock ORDER BY n;
SELECT is(pg_temp.value_as('tau_mgr_c2', format($$SELECT sqm.may(%s, %s, 'triage') AND sqm.may(%s, %s, 'triage')$$, :c, :moved, :c, :ended)),
          'true', 'a unit that has ended is authorised through the unit that holds its history today');
SELECT is(pg_temp.value_as('tau_mgr_c1', format($$SELECT sqm.may(%s, %s, 'triage') OR sqm.may(%s, %s, 'triage')$$, :c, :moved, :c, :ended)),
          'false', 'and not through its department of old');
SELECT is(pg_temp.at_clock_probe((now() - interval '100 days')::text, 'tau_mgr_c2',
                                 format($$SELECT sqm.triage_deviation(%s, %s, 'reported', 'low')$$, :c, :dev_moved)),
          'ok', 'the manager of the department that holds the unit today triages its deviation, whatever the clock says');
-- The hierarchy of today changes with the day: a move dated tomorrow is not in force yet.
SELECT sqm.move_unit(:c, :succ, :c1, current_date + 1) \g /dev/null
SELECT is(pg_temp.value_as('tau_mgr_c1', format($$SELECT sqm.may(%s, %s, 'triage')$$, :c, :succ)), 'false',
          'a unit moved from tomorrow is not yet the new department''s');
SELECT is(pg_temp.value_as('tau_mgr_c2', format($$SELECT sqm.may(%s, %s, 'triage')$$, :c, :succ)), 'true',
          'it is still the old one''s today');

-- Today is the organisation's today, in its time zone, not UTC's: an
-- organisation whose date differs from UTC's now (UTC+14 after 10:00 UTC,
-- else UTC-12), and a move dated so that the two disagree on whether it is in
-- force.
SELECT CASE WHEN extract(hour FROM now() AT TIME ZONE 'UTC') >= 10 THEN 'Etc/GMT-14' ELSE 'Etc/GMT+12' END AS tz \gset
SELECT (now() AT TIME ZONE :'tz')::date AS local_today, (now() AT TIME ZONE 'UTC')::date AS utc_today \gset
SELECT CASE WHEN :'local_today'::date > :'utc_today'::date THEN :'local_today'::date ELSE :'local_today'::date + 1 END AS effective \gset
SELECT sqm.create_organisation('T', 'SN', 1, :'tz') AS t \gset
SELECT sqm.create_unit(:t, 'Förvaltning T', 'administration', :'since') AS t_adm \gset
SELECT sqm.create_unit(:t, 'Avdelning T1', 'department', :'since', :t_adm) AS t1 \gset
SELECT sqm.create_unit(:t, 'Avdelning T2', 'department', :'since', :t_adm) AS t2 \gset
SELECT sqm.create_unit(:t, 'Enhet T', 'unit', :'since', :t1) AS tu \gset
SELECT sqm.move_unit(:t, :tu, :t2, :'effective') \g /dev/null
CREATE ROLE tau_mgr_t1 IN ROLE sqm_unit_manager;
CREATE ROLE tau_mgr_t2 IN ROLE sqm_unit_manager;
SELECT sqm.grant_membership(:t, 'tau_mgr_t1', 'unit_manager', :t1);
SELECT sqm.grant_membership(:t, 'tau_mgr_t2', 'unit_manager', :t2);
SELECT is(pg_temp.value_as(CASE WHEN :'effective'::date <= :'local_today'::date THEN 'tau_mgr_t2' ELSE 'tau_mgr_t1' END,
                           format($$SELECT sqm.may(%s, %s, 'triage')$$, :t, :tu)), 'true',
          format('in time zone %s the unit is where it is on the organisation''s today (%s), not on UTC''s (%s)',
                 :'tz', :'local_today', :'utc_today'));
SELECT is(pg_temp.value_as(CASE WHEN :'effective'::date <= :'local_today'::date THEN 'tau_mgr_t1' ELSE 'tau_mgr_t2' END,
                           format($$SELECT sqm.may(%s, %s, 'triage')$$, :t, :tu)), 'false',
          'and not where UTC''s date would put it');

-- ------------------------------------------------------------ the delegation order, per organisation
-- A moves escalation from investigators to unit managers; B keeps the default.
SELECT is(pg_temp.state_as('tau_coord_b', format($$SELECT sqm.set_delegation(%s, 'unit_manager', 'escalate', true)$$, :a)), '42501',
          'a quality coordinator of another organisation cannot change A''s delegation order');
SELECT is(pg_temp.state_as('tau_mgr_ua', format($$SELECT sqm.set_delegation(%s, 'unit_manager', 'escalate', true)$$, :a)), '42501',
          'nor can a unit manager (no EXECUTE)');
SELECT is(pg_temp.value_as('tau_coord_a', format($$SELECT sqm.set_delegation(%s, 'unit_manager', 'escalate', true, 'Riktlinje 2025')$$, :a)),
          'true', 'A''s quality coordinator grants unit managers escalate');
SELECT is(pg_temp.value_as('tau_coord_a', format($$SELECT sqm.set_delegation(%s, 'investigator', 'escalate', false, 'Riktlinje 2025')$$, :a)),
          'true', 'and withdraws it from investigators');
SELECT is(pg_temp.value_as('tau_coord_a', format($$SELECT sqm.set_delegation(%s, 'investigator', 'escalate', false)$$, :a)),
          'false', 'a change that changes nothing is not recorded');
SELECT results_eq(format($$SELECT role, source FROM sqm.delegation_order(%s) WHERE capability = 'escalate' ORDER BY role$$, :a),
                  $$VALUES ('quality_coordinator', 'default'), ('unit_manager', 'organisation')$$,
                  'A''s delegation order: escalate held by quality coordinators (default) and unit managers (A''s own)');
SELECT results_eq(format($$SELECT role, source FROM sqm.delegation_order(%s) WHERE capability = 'escalate' ORDER BY role$$, :b),
                  $$VALUES ('investigator', 'default'), ('quality_coordinator', 'default')$$,
                  'B''s is the default');
SELECT is(pg_temp.value_as('tau_mgr_ua', format($$SELECT sqm.may(%s, %s, 'escalate')$$, :a, :ua)), 'true', 'in A a unit manager may escalate');
SELECT is(pg_temp.value_as('tau_inv_ua', format($$SELECT sqm.may(%s, %s, 'escalate')$$, :a, :ua)), 'false', 'in A an investigator may not');
SELECT is(pg_temp.value_as('tau_mgr_b1', format($$SELECT sqm.may(%s, %s, 'escalate')$$, :b, :b1)), 'false', 'in B a unit manager may not');
SELECT is(pg_temp.value_as('tau_inv_b1', format($$SELECT sqm.may(%s, %s, 'escalate')$$, :b, :b1)), 'true', 'in B an investigator may');
SELECT sqm.report_deviation(:a, :ua, 'SoL', :'happened', 'Händelse', '{info}', :'reported') AS dev_a \gset
SELECT sqm.report_deviation(:b, :b1, 'SoL', :'happened', 'Händelse', '{info}', :'reported') AS dev_b \gset
SELECT is(pg_temp.as_role('tau_inv_ua', format($$SELECT sqm.escalate_deviation(%s, %s, 'reported', '{"reporter_name": "A", "reporter_title": "B"}')$$, :a, :dev_a)),
          format('42501: permission denied to move deviation %s to "escalated" / The caller (role "tau_inv_ua") has no sqm role with capability "escalate" in organisation %s.', :dev_a, :a),
          'through the API: in A the investigator''s escalation is refused');
SELECT is(pg_temp.as_role('tau_mgr_ua', format($$SELECT sqm.escalate_deviation(%s, %s, 'reported', '{"reporter_name": "A", "reporter_title": "B"}')$$, :a, :dev_a)),
          'ok', 'and the unit manager''s made');
SELECT is(pg_temp.state_as('tau_mgr_b1', format($$SELECT sqm.escalate_deviation(%s, %s, 'reported', '{"reporter_name": "A", "reporter_title": "B"}')$$, :b, :dev_b)),
          '42501', 'in B the unit manager''s is refused');
SELECT is(pg_temp.as_role('tau_inv_b1', format($$SELECT sqm.escalate_deviation(%s, %s, 'reported', '{"reporter_name": "A", "reporter_title": "B"}')$$, :b, :dev_b)),
          'ok', 'and the investigator''s made');
SELECT is((SELECT string_agg(format('%s %s %s %s %s', e.change, e.to_state, e.after->>'role', e.after->>'changed_by', e.reason),
                         '; ' ORDER BY e.seq)
             FROM sqm.audit_trail e WHERE e.org_id = :a AND e.object_kind = 'delegation'),
          'create granted unit_manager tau_coord_a Riktlinje 2025; create withdrawn investigator tau_coord_a Riktlinje 2025',
          'each change of A''s delegation order is an audit event of A, with who changed it and its reason');
-- who changed it is personal, and the reason free text: in the chain only as
-- salted digests, the values kept beside it (sqm.audit_value)
SELECT is((SELECT count(*) FROM sqm.audit_event e
            WHERE e.org_id = :a AND e.object_kind = 'delegation'
              AND e.after->>'changed_by' ~ '^sha256:[0-9a-f]{64}$' AND e.reason ~ '^sha256:[0-9a-f]{64}$'
              AND e.after->>'role' !~ '^sha256:'), 2::bigint,
          'in the chain, who changed the delegation order and why are salted digests (the role and capability are not)');
SELECT is((SELECT count(*) FROM sqm.audit_event e WHERE e.org_id = :b AND e.object_kind = 'delegation'), 0::bigint,
          'and none of B');
SELECT throws_ok(format($$INSERT INTO sqm.delegation (org_id, state, role, capability, changed_by) VALUES (%s, 'granted', 'reporter', 'fly', 'x')$$, :a),
                 '22023', format('unknown capability "fly" in the delegation order of organisation %s', :a),
                 'a direct write of an unknown capability is refused');
SELECT throws_ok(format($$SELECT sqm.set_delegation(%s, 'reporter', 'fly', true)$$, :a), '22023',
                 format('unknown capability "fly" in the delegation order of organisation %s', :a), 'so is one through the API');
SELECT throws_ok(format($$SELECT sqm.set_delegation(%s, 'boss', 'triage', true)$$, :a), '22023', 'unknown sqm role "boss"',
                 'and an unknown role');
SELECT throws_ok(format($$UPDATE sqm.delegation SET state = 'granted' WHERE org_id = %s$$, :a), 'SQ010', NULL,
                 'a delegation order''s history is never changed');
SELECT throws_ok(format($$DELETE FROM sqm.delegation WHERE org_id = %s$$, :a), 'SQ010', NULL, 'nor deleted');
SELECT is(pg_temp.value_as('tau_mgr_b1', format('SELECT count(*) FROM sqm.delegation WHERE org_id = %s', :a)), '0',
          'a member of B sees nothing of A''s delegation order');

-- ------------------------------------------------------------ capabilities only from the lifecycle data
-- The move reported → triaged needs what sqm.lifecycle_move says: moved to
-- reclassify (investigators, not unit managers), the API follows.
SELECT sqm.report_deviation(:b, :b1, 'SoL', :'happened', 'Händelse', '{info}', :'reported') AS dev_b2 \gset
SELECT sqm.report_deviation(:b, :b1, 'SoL', :'happened', 'Händelse', '{info}', :'reported') AS dev_b3 \gset
UPDATE sqm.lifecycle_move SET capability = 'reclassify' WHERE kind = 'deviation' AND from_state = 'reported' AND to_state = 'triaged';
SELECT is(pg_temp.as_role('tau_mgr_b1', format($$SELECT sqm.triage_deviation(%s, %s, 'reported', 'low')$$, :b, :dev_b2)),
          format('42501: permission denied to move deviation %s to "triaged" / The caller (role "tau_mgr_b1") has no sqm role with capability "reclassify" in organisation %s.', :dev_b2, :b),
          'a move whose capability changed in sqm.lifecycle_move is refused to the unit manager');
SELECT is(pg_temp.as_role('tau_inv_b1', format($$SELECT sqm.triage_deviation(%s, %s, 'reported', 'low')$$, :b, :dev_b2)), 'ok',
          'and made by the investigator, who holds the new capability');
UPDATE sqm.lifecycle_move SET capability = 'triage' WHERE kind = 'deviation' AND from_state = 'reported' AND to_state = 'triaged';
SELECT is(pg_temp.as_role('tau_mgr_b1', format($$SELECT sqm.triage_deviation(%s, %s, 'reported', 'low')$$, :b, :dev_b3)), 'ok',
          'put back, the unit manager triages again');
-- An edit needs the kind's edit action's capability.
UPDATE sqm.lifecycle_action SET capability = 'close' WHERE kind = 'deviation' AND action = 'edit' AND column_name IS NULL;
SELECT sqm.move_object('deviation', :b, :dev_b3, 'triaged', 'investigating') \g /dev/null
SELECT is(pg_temp.state_as('tau_inv_b1', format($$SELECT sqm.record_deviation_summary(%s, %s, 'investigating', 'Utrett')$$, :b, :dev_b3)), 'ok',
          'with edits needing close, an investigator (who closes) records a summary');
SELECT sqm.set_delegation(:b, 'investigator', 'close', false) \g /dev/null
SELECT is(pg_temp.as_role('tau_inv_b1', format($$SELECT sqm.record_deviation_summary(%s, %s, 'investigating', 'Utrett igen')$$, :b, :dev_b3)),
          format('42501: permission denied to edit deviation %s / The caller (role "tau_inv_b1") has no sqm role with capability "close" in organisation %s.', :dev_b3, :b),
          'and, once B withdrew close from investigators, no longer');
UPDATE sqm.lifecycle_action SET capability = 'investigate' WHERE kind = 'deviation' AND action = 'edit' AND column_name IS NULL;
-- A column with a capability of its own: why no new measure follows one that
-- had no effect is decided by whoever closes (the edit action of
-- no_new_measure_reason), besides the edit's investigate.
SELECT is(pg_temp.as_role('tau_inv_b1', format($$SELECT sqm.record_no_new_measure(%s, %s, 'investigating', 'Rättat direkt')$$, :b, :dev_b3)),
          format('42501: permission denied to decide no new measure for deviation %s / The caller (role "tau_inv_b1") has no sqm role with capability "close" in organisation %s.', :dev_b3, :b),
          'in B, whose investigators no longer close, an investigator does not decide that no new measure is needed');
SELECT is(pg_temp.as_role('tau_inv_b1', format($$SELECT sqm.record_deviation_summary(%s, %s, 'investigating', 'Utrett igen')$$, :b, :dev_b3)), 'ok',
          'though they still edit the deviation');
SELECT is(pg_temp.as_role('tau_mgr_b1', format($$SELECT sqm.record_no_new_measure(%s, %s, 'investigating', 'Rättat direkt')$$, :b, :dev_b3)), 'ok',
          'the unit manager, who closes, does');
-- A column with a capability of its own: deciding seriousness.
SELECT sqm.report_lex_sarah(:b, :b1, 'SoL', :'happened', 'Händelse', 'Anna', 'Undersköterska', :'reported') AS lsr_b \gset
SELECT sqm.open_lex_sarah_investigation(:b, :b1, ARRAY[:lsr_b]::bigint[]) AS inv_b \gset
SELECT sqm.start_lex_sarah_investigation(:b, :inv_b, 'opened') \g /dev/null
SELECT is(pg_temp.as_role('tau_inv_b1', format($$SELECT sqm.assess_lex_sarah(%s, %s, 'under_investigation', 'serious_impropriety')$$, :b, :inv_b)),
          format('42501: permission denied to decide the seriousness of lex Sarah investigation %s / The caller (role "tau_inv_b1") has no sqm role with capability "decide_seriousness" in organisation %s.', :inv_b, :b),
          'an investigator cannot decide seriousness: the columns that record it need decide_seriousness');
SELECT is(pg_temp.as_role('tau_inv_b1', format($$SELECT sqm.assess_lex_sarah(%s, %s, 'under_investigation', 'impropriety')$$, :b, :inv_b)), 'ok',
          'an outcome that is not serious needs no more than the move');
SELECT sqm.assess_lex_sarah(:b, :inv_b, 'assessed', 'risk_of_serious_impropriety') \g /dev/null
SELECT is(pg_temp.state_as('tau_inv_b1', format($$SELECT sqm.assess_lex_sarah(%s, %s, 'assessed', 'impropriety')$$, :b, :inv_b)), '42501',
          'nor can an investigator take back a serious assessment the designated role made');
SELECT sqm.set_delegation(:b, 'investigator', 'decide_seriousness', true) \g /dev/null
SELECT is(pg_temp.as_role('tau_inv_b1', format($$SELECT sqm.assess_lex_sarah(%s, %s, 'assessed', 'serious_impropriety')$$, :b, :inv_b)), 'ok',
          'in an organisation whose investigators decide seriousness, they do');
SELECT is((SELECT d.seriousness_decided_by FROM sqm.lex_sarah_investigation_detail d WHERE d.org_id = :b AND d.id = :inv_b),
          'postgres', 'and the first decision keeps who made it');

-- ------------------------------------------------------------ the write path: compare-and-set, kept plans
SELECT sqm.report_deviation(:b, :b1, 'SoL', :'happened', 'Händelse', '{info}', :'reported') AS dev_b4 \gset
SELECT sqm.triage_deviation(:b, :dev_b4, 'reported', 'low') \g /dev/null
SELECT throws_ok(format($$SELECT sqm.triage_deviation(%s, %s, 'reported', 'high')$$, :b, :dev_b4), 'SQ003',
                 format('deviation %s is not in state "reported"', :dev_b4), 'a stale expected state: SQ003');
SELECT is((SELECT severity FROM sqm.deviation WHERE id = :dev_b4), 'low', 'and nothing changed');
SELECT throws_ok(format($$SELECT sqm.withdraw_deviation(%s, %s, 'reported', 'Dubblett')$$, :b, :dev_b4), 'SQ003',
                 format('deviation %s is not in state "reported"', :dev_b4), 'also when the write has details: checked before they are written');
SELECT is((SELECT withdrawn_reason FROM sqm.deviation_detail WHERE id = :dev_b4), NULL, 'which stay unwritten');
SELECT throws_ok(format($$SELECT sqm.write('deviation', %s, %s, 'triaged', 'investigating', '{"nosuch": "x"}')$$, :b, :dev_b4), '42703',
                 'deviation has no column "nosuch"', 'a write names columns of the case or its details row only');
SELECT throws_ok(format($$SELECT sqm.write('deviation', %s, %s, 'triaged', 'investigating', '{"org_id": "1"}')$$, :b, :dev_b4), '22023',
                 format('a write of deviation %s cannot set org_id', :dev_b4), 'and never its key or state');

CREATE TEMP TABLE tau_devs AS
SELECT sqm.report_deviation(:b, :b1, 'SoL', :'happened', 'Händelse', '{info}', :'reported') AS id FROM generate_series(1, 21);
SELECT sqm.triage_deviation(:b, (SELECT min(id) FROM tau_devs), 'reported', 'low') \g /dev/null
CREATE TEMP TABLE tau_stats AS SELECT w.prepares, w.hits, a.loads, a.hits AS access_hits
  FROM sqm.write_cache_stats() w, sqm.access_cache_stats() a;
SELECT count(sqm.triage_deviation(:b, id, 'reported', 'low')) FROM tau_devs WHERE id > (SELECT min(id) FROM tau_devs) \g /dev/null
SELECT is((SELECT w.prepares - t.prepares FROM sqm.write_cache_stats() w, tau_stats t), 0::bigint,
          'twenty more triages prepare no plan: the plans of the kind and column set are kept');
SELECT cmp_ok((SELECT w.hits - t.hits FROM sqm.write_cache_stats() w, tau_stats t), '>=', 40::bigint,
              'each of them finds its plans (the unit''s read, the compare-and-set UPDATE)');
SELECT is((SELECT a.loads - t.loads FROM sqm.access_cache_stats() a, tau_stats t), 0::bigint,
          'and loads no organisation into the authorisation cache');
SET CONSTRAINTS ALL IMMEDIATE;     -- (the details of the cases above are there: nothing pending)
ALTER TABLE sqm.deviation ALTER COLUMN severity SET STATISTICS 200;
SET CONSTRAINTS ALL DEFERRED;
SELECT sqm.report_deviation(:b, :b1, 'SoL', :'happened', 'Händelse', '{info}', :'reported') AS dev_b5 \gset
TRUNCATE tau_stats;
INSERT INTO tau_stats SELECT w.prepares, w.hits, a.loads, a.hits FROM sqm.write_cache_stats() w, sqm.access_cache_stats() a;
SELECT sqm.triage_deviation(:b, :dev_b5, 'reported', 'low') \g /dev/null
SELECT is((SELECT w.prepares - t.prepares FROM sqm.write_cache_stats() w, tau_stats t), 2::bigint,
          'after the table changed, its two plans are prepared again, once');

-- The authorisation cache: warm, it answers; a change of what it read is seen at the next statement.
SET LOCAL ROLE tau_mgr_b1;
SELECT sqm.may(:b, :b1, 'triage') \g /dev/null
RESET ROLE;
TRUNCATE tau_stats;
INSERT INTO tau_stats SELECT w.prepares, w.hits, a.loads, a.hits FROM sqm.write_cache_stats() w, sqm.access_cache_stats() a;
SET LOCAL ROLE tau_mgr_b1;
SELECT count(*) FILTER (WHERE sqm.may(:b, :b1, 'triage')) FROM generate_series(1, 20) \g /dev/null
RESET ROLE;
SELECT is((SELECT (a.loads - t.loads, a.hits - t.access_hits)::text FROM sqm.access_cache_stats() a, tau_stats t), '(0,20)',
          'twenty questions of a warm cache: no load, twenty answers');
SELECT sqm.grant_membership(:b, 'tau_mgr_b1', 'report_reader') \g /dev/null
SELECT is(pg_temp.value_as('tau_mgr_b1', format($$SELECT sqm.may(%s, NULL, 'read_statistics')$$, :b)), 'true',
          'a membership granted is in force at the next statement');
SELECT is((SELECT a.loads - t.loads FROM sqm.access_cache_stats() a, tau_stats t), 1::bigint, '(the organisation was loaded again, once)');
SELECT sqm.revoke_membership(:b, 'tau_mgr_b1', 'report_reader') \g /dev/null
SELECT is(pg_temp.value_as('tau_mgr_b1', format($$SELECT sqm.may(%s, NULL, 'read_statistics')$$, :b)), 'false',
          'and a membership revoked is out of force at the next statement');
SELECT is(pg_temp.state_as('tau_mgr_b1', format($$SELECT sqm.revoke_membership(%s, 'tau_inv_b1', 'investigator', %s)$$, :b, :b1)), '42501',
          'a unit manager revokes no membership');

-- RLS asks sqm.may() in parallel workers too, which load their own cache.
SET LOCAL force_parallel_mode = on;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SELECT is(pg_temp.value_as('tau_coord_a', 'SELECT count(*) FROM sqm.organisation'), '1',
          'a parallel scan under row-level security authorises in its workers');
SELECT is(pg_temp.value_as('tau_mgr_ua', format('SELECT count(*) FROM sqm.measure WHERE org_id = %s', :a)), '0',
          'and filters as the leader would');
RESET force_parallel_mode;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;

-- Authorisation is C, with no SQL helper on the path that the planner would parse again.
SELECT is((SELECT string_agg(p.proname || ':' || l.lanname, ', ' ORDER BY p.proname)
             FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
            WHERE p.pronamespace = 'sqm'::regnamespace
              AND p.proname IN ('may', 'authorize', 'is_member', 'may_see', 'may_read_case', 'caller_reported', 'caller_identity',
                                'write', 'move_object', 'authorize_write', 'authorize_object', 'authorize_create', 'authorize_case')),
          'authorize:c, authorize_case:c, authorize_create:c, authorize_object:c, authorize_write:c, caller_identity:c, caller_reported:c, is_member:c, may:c, may_read_case:c, may_see:c, move_object:c, write:c',
          'authorisation, the row policies'' questions and the write path are C');
SELECT is((SELECT count(*) FROM pg_policy p
            WHERE p.polrelid::regclass::text LIKE 'sqm.%'
              AND (pg_get_expr(p.polqual, p.polrelid) ~ 'deviation_own_report'
                   OR EXISTS (SELECT FROM pg_depend d JOIN pg_proc f ON f.oid = d.refobjid
                               WHERE d.classid = 'pg_policy'::regclass AND d.objid = p.oid
                                 AND f.pronamespace = 'sqm'::regnamespace AND f.prolang <> (SELECT oid FROM pg_language WHERE lanname = 'c')))),
          0::bigint, 'no row policy of sqm calls a function of sqm that is not C');
SELECT is((SELECT count(*) FROM pg_proc WHERE pronamespace = 'sqm'::regnamespace
                                          AND proname IN ('write_object', 'governed_object', 'move')), 0::bigint,
          'the PL/pgSQL write path is gone');
SELECT is((SELECT count(*) FROM pg_proc p
            WHERE p.pronamespace = 'sqm'::regnamespace
              AND p.prosrc ~ 'authorize\(\s*org\s*,\s*[^,]+,\s*''(triage|investigate|close|withdraw|escalate|reclassify|manage_measures|investigate_lex_sarah|decide_seriousness|notify_ivo|report|report_lex_sarah)'''),
          0::bigint, 'no API function names the capability of a move, an edit or a creation: they come from the lifecycle data');

SELECT * FROM finish();
ROLLBACK;
