-- Privileges of the group roles, and RLS on the reference tables.
--
-- No role gets INSERT, UPDATE, DELETE or TRUNCATE on any table: the API
-- functions (SECURITY DEFINER) are the only way to write.  sqm.create_roles()
-- creates the roles and calls sqm.grant_to_roles(); if the roles already exist
-- when the extension is created (another database of the cluster has sqm),
-- the grants are made here and now.

ALTER TABLE sqm.organisation ENABLE ROW LEVEL SECURITY;
ALTER TABLE sqm.unit ENABLE ROW LEVEL SECURITY;
ALTER TABLE sqm.unit_version ENABLE ROW LEVEL SECURITY;
ALTER TABLE sqm.unit_succession ENABLE ROW LEVEL SECURITY;
ALTER TABLE sqm.membership ENABLE ROW LEVEL SECURITY;
ALTER TABLE sqm.audit_event ENABLE ROW LEVEL SECURITY;
CREATE POLICY organisation_member ON sqm.organisation FOR SELECT USING (sqm.is_member(org_id));
CREATE POLICY unit_member ON sqm.unit FOR SELECT USING (sqm.is_member(org_id));
CREATE POLICY unit_version_member ON sqm.unit_version FOR SELECT USING (sqm.is_member(org_id));
CREATE POLICY unit_succession_member ON sqm.unit_succession FOR SELECT USING (sqm.is_member(org_id));
CREATE POLICY membership_member ON sqm.membership FOR SELECT USING (sqm.is_member(org_id));
CREATE POLICY audit_event_auditor ON sqm.audit_event FOR SELECT USING (sqm.may(org_id, NULL, 'read_audit'));
COMMENT ON POLICY organisation_member ON sqm.organisation IS 'Members see their own organisations only';
COMMENT ON POLICY unit_member ON sqm.unit IS 'Members see the units of their organisations only';
COMMENT ON POLICY unit_version_member ON sqm.unit_version IS 'Members see the unit history of their organisations only';
COMMENT ON POLICY unit_succession_member ON sqm.unit_succession IS 'Members see the successions of their organisations only';
COMMENT ON POLICY membership_member ON sqm.membership IS 'Members see who has which role in their organisations';
COMMENT ON POLICY audit_event_auditor ON sqm.audit_event IS 'Auditors (and quality coordinators with read_audit) read the trail of their organisations';

CREATE FUNCTION sqm.grant_to_roles() RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    everyone text := 'sqm_reporter, sqm_unit_manager, sqm_investigator, sqm_quality_coordinator, sqm_auditor, sqm_report_reader';
    handlers text := 'sqm_unit_manager, sqm_investigator, sqm_quality_coordinator';
BEGIN
    EXECUTE 'GRANT USAGE ON SCHEMA sqm TO ' || everyone || ', sqm_app';
    -- what RLS policies and every reader call
    EXECUTE 'GRANT EXECUTE ON FUNCTION sqm.caller_role(), sqm.caller_is_app(), sqm.caller_is_superuser(), sqm.caller_identity(), sqm.may(bigint, bigint, text),
             sqm.may_see(bigint, bigint, text), sqm.is_member(bigint), sqm.actor(), sqm.now(),
             sqm.unit_name(bigint, bigint, date), sqm.unit_existed(bigint, bigint, sqm.period),
             sqm.unit_attribution(bigint, bigint, date, date), sqm.unit_successor(bigint, bigint, date),
             sqm.unit_hierarchy(bigint, date), sqm.quality_year(bigint, date), sqm.quality_year(bigint, timestamptz),
             sqm.unit_kind_rank(text), sqm.label_language(bigint, text) TO ' || everyone;
    EXECUTE 'GRANT SELECT ON sqm.organisation, sqm.unit, sqm.unit_version, sqm.unit_succession, sqm.membership,
             sqm.role_capability, sqm.lifecycle_kind, sqm.lifecycle_state, sqm.lifecycle_move, sqm.lifecycle,
             sqm.deviation_type TO ' || everyone;
    -- statistics: views and report functions, and the columns they read
    EXECUTE 'GRANT SELECT ON sqm.stat_deviation_base, sqm.stat_deviation_totals, sqm.stat_deviation_per_type,
             sqm.stat_deviation_per_unit TO ' || handlers || ', sqm_auditor, sqm_report_reader';
    EXECUTE 'GRANT EXECUTE ON FUNCTION sqm.deviations_per_unit(bigint, sqm.period, text, text, text),
             sqm.deviations_per_type(bigint, sqm.period, text, text),
             sqm.deviation_status_at(bigint, sqm.period, date, text, text),
             sqm.deviations_open_longest(bigint, date, integer, text) TO ' || handlers || ', sqm_auditor, sqm_report_reader';
    EXECUTE 'GRANT SELECT (org_id, id, state, unit_id, regime, reported_at, types, severity, triaged_at,
             investigated_at, escalated_at, closed_at, collab_direction, collab_replied_at) ON sqm.deviation
             TO sqm_auditor, sqm_report_reader';
    -- what deadline obligations read of measures (no title, no responsible person)
    EXECUTE 'GRANT SELECT (org_id, id, state, unit_id, source_kind, source_id, due_on, follow_up_on, done_at, evaluated_at)
             ON sqm.measure TO sqm_auditor, sqm_report_reader';
    -- cases
    EXECUTE 'GRANT SELECT ON sqm.deviation, sqm.measure TO sqm_reporter, ' || handlers;
    EXECUTE 'GRANT EXECUTE ON FUNCTION sqm.report_deviation(bigint, bigint, text, timestamptz, text, text[], timestamptz, text, text, date)
             TO sqm_reporter, ' || handlers;
    EXECUTE 'GRANT EXECUTE ON FUNCTION sqm.move_object(text, bigint, bigint, text, text, text),
             sqm.triage_deviation(bigint, bigint, text, text, text), sqm.record_deviation_summary(bigint, bigint, text, text),
             sqm.withdraw_deviation(bigint, bigint, text, text), sqm.reclassify_deviation(bigint, bigint, text, text, text),
             sqm.escalate_deviation(bigint, bigint, text, text, text), sqm.close_deviation(bigint, bigint, text, text, text),
             sqm.plan_measure(bigint, text, bigint, text, text, date, date, text),
             sqm.complete_measure(bigint, bigint, text, text), sqm.evaluate_measure(bigint, bigint, text, text, text),
             sqm.cancel_measure(bigint, bigint, text, text), sqm.allowed_moves(text, text), sqm.move_capability(text, text, text),
             sqm.record_collaboration_reply(bigint, bigint, text, timestamptz)
             TO ' || handlers;
    EXECUTE 'GRANT EXECUTE ON FUNCTION sqm.add_deviation_type(bigint, text, text, text, date, date, text),
             sqm.end_deviation_type(bigint, text, date), sqm.grant_membership(bigint, text, text, bigint, boolean)
             TO sqm_quality_coordinator';
    -- lex Sarah: reference data and settings for every member; full rows, with
    -- free text and reporter identities, for investigators and coordinators;
    -- the columns statistics need (no free text, no names) for the others
    EXECUTE 'GRANT SELECT ON sqm.legal_basis, sqm.lex_sarah_item, sqm.lex_sarah_theme, sqm.organisation_setting TO ' || everyone;
    EXECUTE 'GRANT EXECUTE ON FUNCTION sqm.is_serious(sqm.lex_sarah_outcome) TO ' || everyone;
    EXECUTE 'GRANT SELECT ON sqm.lex_sarah_report, sqm.lex_sarah_reporter, sqm.lex_sarah_investigation, sqm.lex_sarah_record,
             sqm.ivo_notification, sqm.ivo_supplement, sqm.ivo_answer TO sqm_investigator, sqm_quality_coordinator';
    EXECUTE 'GRANT SELECT (org_id, id, state, unit_id, regime, happened_at, reported_at, received_at, source, deviation_id,
             legal_basis, investigation_id, assigned_at) ON sqm.lex_sarah_report
             TO sqm_unit_manager, sqm_auditor, sqm_report_reader';
    EXECUTE 'GRANT SELECT (org_id, id, state, unit_id, opened_at, started_at, assessed_at, completed_at, closed_at, outcome,
             seriousness_decided_at, themes) ON sqm.lex_sarah_investigation
             TO sqm_unit_manager, sqm_auditor, sqm_report_reader';
    EXECUTE 'GRANT SELECT (org_id, id, investigation_id, item, recorded_at, nature, measure_date) ON sqm.lex_sarah_record
             TO sqm_unit_manager, sqm_auditor, sqm_report_reader';
    EXECUTE 'GRANT SELECT (org_id, id, state, unit_id, investigation_id, drafted_at, decided_at, sent_at, regnr)
             ON sqm.ivo_notification TO sqm_unit_manager, sqm_auditor, sqm_report_reader';
    EXECUTE 'GRANT SELECT (org_id, id, notification_id, sent_at) ON sqm.ivo_supplement
             TO sqm_unit_manager, sqm_auditor, sqm_report_reader';
    EXECUTE 'GRANT SELECT (org_id, id, notification_id, answered_at, answer, supplement_supplied_at) ON sqm.ivo_answer
             TO sqm_unit_manager, sqm_auditor, sqm_report_reader';
    EXECUTE 'GRANT SELECT ON sqm.lex_sarah_unassigned TO ' || handlers || ', sqm_auditor, sqm_report_reader';
    EXECUTE 'GRANT EXECUTE ON FUNCTION sqm.report_lex_sarah(bigint, bigint, text, timestamptz, text, text, text, timestamptz, bigint, text)
             TO sqm_reporter, ' || handlers;
    EXECUTE 'GRANT EXECUTE ON FUNCTION sqm.receive_lex_sarah(bigint, bigint, timestamptz),
             sqm.open_lex_sarah_investigation(bigint, bigint, bigint[], timestamptz),
             sqm.assign_lex_sarah_report(bigint, bigint, bigint), sqm.start_lex_sarah_investigation(bigint, bigint, text),
             sqm.record_lex_sarah(bigint, bigint, text, text, text, text, text, text, timestamptz, date),
             sqm.assess_lex_sarah(bigint, bigint, text, sqm.lex_sarah_outcome, text[]),
             sqm.complete_lex_sarah(bigint, bigint, text), sqm.close_lex_sarah(bigint, bigint, text),
             sqm.close_lex_sarah_early(bigint, bigint, text, text),
             sqm.draft_ivo_notification(bigint, bigint, text), sqm.revise_ivo_notification(bigint, bigint, text, text),
             sqm.send_ivo_notification(bigint, bigint, text, sqm.regnr, text, timestamptz),
             sqm.withdraw_ivo_notification(bigint, bigint, text, text),
             sqm.supplement_ivo_notification(bigint, bigint, text, timestamptz),
             sqm.record_ivo_answer(bigint, bigint, text, timestamptz, text, timestamptz)
             TO sqm_investigator, sqm_quality_coordinator';
    EXECUTE 'GRANT EXECUTE ON FUNCTION sqm.set_lex_sarah_routing_target(bigint, interval),
             sqm.add_lex_sarah_theme(bigint, text, text, text, date, date) TO sqm_quality_coordinator';
    -- lex Sarah statistics
    EXECUTE 'GRANT SELECT ON sqm.stat_lex_sarah_base, sqm.stat_lex_sarah_totals TO ' || handlers || ', sqm_auditor, sqm_report_reader';
    EXECUTE 'GRANT EXECUTE ON FUNCTION sqm.lex_sarah_per_unit(bigint, sqm.period, text), sqm.lex_sarah_outcomes(bigint, sqm.period, text),
             sqm.ivo_answers(bigint, sqm.period, text), sqm.lex_sarah_themes(bigint, sqm.period, text)
             TO ' || handlers || ', sqm_auditor, sqm_report_reader';
    -- deadlines (doc/deadlines.md): rules and settings for every member;
    -- obligations (no personal data) for handlers and readers; the outbox
    -- and its acknowledgement for handlers
    EXECUTE 'GRANT SELECT ON sqm.deadline_event, sqm.deadline_rule, sqm.deadline_setting, sqm.closed_day TO ' || everyone;
    EXECUTE 'GRANT EXECUTE ON FUNCTION sqm.obligations_sql(text, text, boolean), sqm.obligations_run(bigint, bigint, text, text, boolean),
             sqm.obligations(bigint, bigint, text, text, boolean) TO ' || handlers || ', sqm_auditor, sqm_report_reader';
    EXECUTE 'GRANT SELECT ON sqm.obligation TO ' || handlers || ', sqm_auditor, sqm_report_reader';
    EXECUTE 'GRANT SELECT ON sqm.outbox TO ' || handlers;
    EXECUTE 'GRANT EXECUTE ON FUNCTION sqm.acknowledge_outbox(bigint, bigint), sqm.outbox_payload(sqm.outbox) TO ' || handlers;
    EXECUTE 'GRANT EXECUTE ON FUNCTION sqm.set_deadline(bigint, text, integer, text), sqm.add_closed_day(bigint, date, text),
             sqm.remove_closed_day(bigint, date) TO sqm_quality_coordinator';
    -- the audit trail
    EXECUTE 'GRANT SELECT ON sqm.audit_event TO sqm_auditor, sqm_quality_coordinator';
    EXECUTE 'GRANT EXECUTE ON FUNCTION sqm.verify_audit(bigint), sqm.audit_head(bigint), sqm.audit_hash(sqm.audit_event)
             TO sqm_auditor, sqm_quality_coordinator';
END
$$;
COMMENT ON FUNCTION sqm.grant_to_roles() IS
  'Grant the sqm group roles what they need in this database (called by sqm.create_roles; never INSERT/UPDATE/DELETE/TRUNCATE)';
REVOKE ALL ON FUNCTION sqm.grant_to_roles() FROM PUBLIC;

DO $$
BEGIN
    IF (SELECT count(*) FROM pg_catalog.pg_roles
         WHERE rolname IN ('sqm_reporter', 'sqm_unit_manager', 'sqm_investigator', 'sqm_quality_coordinator',
                           'sqm_auditor', 'sqm_report_reader', 'sqm_app')) = 7 THEN
        PERFORM sqm.grant_to_roles();
    END IF;
END
$$;
