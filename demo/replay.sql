-- Replays every step in demo_step (demo/deviations.sql, demo/lex_sarah.sql,
-- demo/registered_matters.sql) through sqm's API, in the order they happened, with sqm.now() frozen at each
-- step and sqm.actor naming who acted: the lifecycle engine checks every move
-- and the audit trail records it.  Run as a superuser (who may act for anyone).
\set ON_ERROR_STOP 1

-- The two 2024 reports open longest at the follow-up of 31 January 2025
-- (reported 2024-01-12 and 2024-01-19, investigated together): "their
-- follow-up was moved to spring 2025".  Seven weeks after their measures were
-- planned the unit moves the measures' dates, with the reason, through
-- sqm.reschedule_measure; the audit trail keeps each change.
INSERT INTO demo_step (ref, n, action, at)
SELECT d.ref, 8, 'reschedule', d.investigated_at + interval '50 days'
  FROM demo_deviation d
 WHERE d.regime IN ('SoL', 'LSS') AND d.measures > 0
   AND (d.reported_at AT TIME ZONE 'Europe/Stockholm')::date IN ('2024-01-12', '2024-01-19');

DO $$
DECLARE
    org   bigint := (SELECT org_id FROM sqm.organisation WHERE name = 'Socialförvaltningen, Alingsås kommun');
    s     record;
    d     demo_deviation;
    r     demo_ls_report;
    i     demo_ls_investigation;
    c     demo_complaint;
    inc   demo_incident;
    lm    demo_lex_maja;
    obj   bigint;
    cur   text;
    m     record;
    k     integer;
    item  record;
BEGIN
    CREATE TEMP TABLE demo_id (ref text PRIMARY KEY, id bigint NOT NULL);
    FOR s IN SELECT * FROM demo_step ORDER BY at, ref, n LOOP
        PERFORM set_config('sqm.frozen_now', s.at::text, true);
        PERFORM set_config('sqm.actor', CASE WHEN s.action IN ('report', 'ls_report', 'pui_report', 'lm_report') THEN 'medarbetare'
                                             -- the first assessment is made centrally (alingsas.sql)
                                             WHEN s.action = 'triage' THEN 'avdelningschef.administration'
                                             WHEN s.action IN ('escalate', 'ls_assess', 'ivo_notify', 'ivo_supplement') THEN 'kvalitetssamordnare'
                                             WHEN s.action LIKE 'ls\_%' OR s.action LIKE 'ivo\_%' THEN 'utredare'
                                             -- the registry registers what comes in; the data protection
                                             -- function assesses incidents and notifies IMY
                                             WHEN s.action = 'sk_register' THEN 'registrator'
                                             WHEN s.action IN ('pui_assess', 'pui_notify') THEN 'dataskyddssamordnare'
                                             ELSE 'enhetschef' END, true);
        SELECT id INTO obj FROM demo_id WHERE ref = s.ref;
        IF s.action IN ('report', 'triage', 'escalate', 'investigate', 'summary', 'plan_measures', 'reschedule',
                        'measures_done', 'collab_reply', 'close') THEN
            SELECT * INTO d FROM demo_deviation WHERE ref = s.ref;
            SELECT state INTO cur FROM sqm.deviation WHERE org_id = org AND id = obj;
        ELSIF s.action IN ('ls_report', 'ls_receive') THEN
            SELECT * INTO r FROM demo_ls_report WHERE ref = s.ref;
        ELSIF s.action LIKE 'sk\_%' THEN
            SELECT * INTO c FROM demo_complaint WHERE ref = s.ref;
            SELECT state INTO cur FROM sqm.complaint WHERE org_id = org AND id = obj;
        ELSIF s.action LIKE 'pui\_%' THEN
            SELECT * INTO inc FROM demo_incident WHERE ref = s.ref;
            SELECT state INTO cur FROM sqm.data_incident WHERE org_id = org AND id = obj;
        ELSIF s.action LIKE 'lm\_%' THEN
            SELECT * INTO lm FROM demo_lex_maja WHERE ref = s.ref;
            SELECT state INTO cur FROM sqm.lex_maja WHERE org_id = org AND id = obj;
        ELSE
            SELECT * INTO i FROM demo_ls_investigation WHERE ref = s.ref;
            SELECT state INTO cur FROM sqm.lex_sarah_investigation WHERE org_id = org AND id = obj;
        END IF;

        CASE s.action
        -- deviations ----------------------------------------------------------
        WHEN 'report' THEN
            INSERT INTO demo_id VALUES (d.ref, sqm.report_deviation(
                org,
                (SELECT v.unit_id FROM sqm.unit_version v WHERE v.org_id = org AND v.name = d.unit
                    AND v.valid @> (d.reported_at AT TIME ZONE 'Europe/Stockholm')::date),
                d.regime, d.happened_at, d.summary, string_to_array(d.types, ';'), d.reported_at,
                d.collab_direction, d.collab_counterpart, d.collab_reply_due));
        WHEN 'triage' THEN
            PERFORM sqm.triage_deviation(org, obj, cur, d.severity);
        WHEN 'escalate' THEN
            -- the lex Sarah report the escalation leads to is made by it
            SELECT * INTO r FROM demo_ls_report WHERE deviation_ref = d.ref;
            INSERT INTO demo_id VALUES (r.ref, sqm.escalate_deviation(org, obj, cur,
                jsonb_build_object('regime', r.regime, 'description', r.description,
                                   'reporter_name', 'Personal ' || substr(r.ref, 6), 'reporter_title', r.reporter_title,
                                   'reported_at', r.reported_at),
                'Kan vara ett missförhållande'));
        WHEN 'investigate' THEN
            PERFORM sqm.move_object('deviation', org, obj, cur, 'investigating');
        WHEN 'summary' THEN
            PERFORM sqm.record_deviation_summary(org, obj, cur, 'Utredning: ' || d.summary);
        WHEN 'plan_measures' THEN
            FOR k IN 1 .. d.measures LOOP
                PERFORM sqm.move_object('measure', org,
                    sqm.plan_measure(org, 'deviation', obj, format('Åtgärd %s av %s', k, d.measures), 'enhetschef',
                                     (s.at AT TIME ZONE 'Europe/Stockholm')::date + 30,
                                     (s.at AT TIME ZONE 'Europe/Stockholm')::date + 60),
                    'planned', 'in_progress');
            END LOOP;
            PERFORM sqm.move_object('deviation', org, obj, cur, 'measures_decided');
        WHEN 'reschedule' THEN
            FOR m IN SELECT x.id, x.state FROM sqm.measure x
                      WHERE x.org_id = org AND x.source_kind = 'deviation' AND x.source_id = obj ORDER BY x.id LOOP
                PERFORM sqm.reschedule_measure(org, m.id, m.state, date '2025-04-30', date '2025-05-07',
                    'Uppföljningen flyttas till våren 2025: ansvaret mellan enheterna klaras ut först');
            END LOOP;
        WHEN 'measures_done' THEN
            FOR m IN SELECT id FROM sqm.measure WHERE org_id = org AND source_kind = 'deviation' AND source_id = obj LOOP
                PERFORM sqm.complete_measure(org, m.id, 'in_progress');
                PERFORM sqm.evaluate_measure(org, m.id, 'done', 'yes');
            END LOOP;
            PERFORM sqm.move_object('deviation', org, obj, 'measures_decided', 'measures_done');
            PERFORM sqm.move_object('deviation', org, obj, 'measures_done', 'followed_up');
        WHEN 'collab_reply' THEN
            PERFORM sqm.record_collaboration_reply(org, obj, cur, s.at);
        WHEN 'close' THEN
            PERFORM sqm.close_deviation(org, obj, cur,
                CASE WHEN d.no_measure_needed THEN 'Felet rättades direkt; ingen ytterligare åtgärd behövs.' END);
        -- lex Sarah -----------------------------------------------------------
        WHEN 'ls_report' THEN
            IF r.source = 'complaint' THEN
                -- the complaint it came from leads to it: made through the
                -- lex Sarah constructor, linked (escalated_to)
                INSERT INTO demo_id VALUES (r.ref, sqm.escalate_complaint(
                    org, (SELECT x.id FROM demo_complaint k JOIN demo_id x ON x.ref = k.ref WHERE k.lex_sarah_ref = r.ref),
                    jsonb_build_object('unit', (SELECT v.unit_id FROM sqm.unit_version v WHERE v.org_id = org AND v.name = r.unit
                                                   AND v.valid @> (r.reported_at AT TIME ZONE 'Europe/Stockholm')::date),
                                       'regime', r.regime, 'happened_at', r.happened_at, 'description', r.description,
                                       'reporter_name', 'Personal ' || substr(r.ref, 6), 'reporter_title', r.reporter_title,
                                       'reported_at', r.reported_at),
                    'Klagomålet kan röra ett missförhållande'));
            ELSE
                INSERT INTO demo_id VALUES (r.ref, sqm.report_lex_sarah(
                    org,
                    (SELECT v.unit_id FROM sqm.unit_version v WHERE v.org_id = org AND v.name = r.unit
                        AND v.valid @> (r.reported_at AT TIME ZONE 'Europe/Stockholm')::date),
                    r.regime, r.happened_at, r.description, 'Personal ' || substr(r.ref, 6), r.reporter_title, r.reported_at,
                    r.source));
            END IF;
        WHEN 'ls_receive' THEN
            PERFORM sqm.receive_lex_sarah(org, obj, s.at);
        WHEN 'ls_open' THEN
            INSERT INTO demo_id VALUES (i.ref, sqm.open_lex_sarah_investigation(
                org,
                (SELECT v.unit_id FROM sqm.unit_version v WHERE v.org_id = org AND v.name = i.unit
                    AND v.valid @> (i.opened_at AT TIME ZONE 'Europe/Stockholm')::date),
                ARRAY(SELECT x.id FROM demo_ls_report rr JOIN demo_id x ON x.ref = rr.ref
                       WHERE rr.investigation_ref = i.ref ORDER BY rr.ref),
                s.at));
        WHEN 'ls_protect' THEN
            -- the immediate protective action, dated when it was taken
            PERFORM sqm.record_lex_sarah(org, obj, 'protective_action',
                format('Omedelbar åtgärd för att skydda den enskilde (%s)', i.ref), 'enhetschef', 'fact',
                'Utredare ' || substr(i.ref, 4), 'socialt ansvarig samordnare',
                least(s.at, (SELECT min(rr.received_at) FROM demo_ls_report rr WHERE rr.investigation_ref = i.ref)
                            + interval '3 hours'));
        WHEN 'ls_start' THEN
            PERFORM sqm.start_lex_sarah_investigation(org, obj, cur);
        WHEN 'ls_close_early' THEN
            PERFORM sqm.close_lex_sarah_early(org, obj, cur,
                'Det stod klart direkt att det inte rörde sig om ett missförhållande; hanteras som avvikelse.');
        WHEN 'ls_records' THEN
            FOR item IN SELECT li.item FROM sqm.lex_sarah_item li WHERE li.required ORDER BY li.ord LOOP
                PERFORM sqm.record_lex_sarah(org, obj, item.item,
                    format('%s (%s)', item.item, i.ref),
                    CASE WHEN item.item IN ('what_happened', 'when_happened', 'how_noticed') THEN 'rapport och journal'
                         ELSE 'intervjuer med personal' END,
                    CASE WHEN item.item IN ('causes', 'recurrence_risk', 'position') THEN 'assessment' ELSE 'fact' END,
                    'Utredare ' || substr(i.ref, 4), 'socialt ansvarig samordnare', s.at,
                    CASE WHEN item.item = 'measure' THEN (s.at AT TIME ZONE 'Europe/Stockholm')::date END);
            END LOOP;
        WHEN 'ls_assess' THEN
            PERFORM sqm.assess_lex_sarah(org, obj, cur, i.outcome::sqm.lex_sarah_outcome,
                                         coalesce(string_to_array(nullif(i.themes, ''), ';'), '{}'));
        WHEN 'ivo_notify' THEN
            PERFORM set_config('sqm.frozen_now', (s.at - interval '1 hour')::text, true);
            obj := sqm.draft_ivo_notification(org, obj, 'Anmälan enligt lex Sarah: ' || i.ref);
            PERFORM set_config('sqm.frozen_now', s.at::text, true);
            PERFORM sqm.send_ivo_notification(org, obj, 'draft', i.ivo_regnr::sqm.regnr, 'socialnämndens ordförande', s.at);
        WHEN 'ivo_asked' THEN
            PERFORM sqm.record_ivo_answer(org, (SELECT n.id FROM sqm.ivo_notification n WHERE n.org_id = org
                                                   AND n.investigation_id = obj AND n.state = 'sent'),
                                          'supplement_requested', s.at, 'IVO begär komplettering');
        WHEN 'ivo_supplement' THEN
            PERFORM sqm.supplement_ivo_notification(org, (SELECT n.id FROM sqm.ivo_notification n WHERE n.org_id = org
                                                             AND n.investigation_id = obj AND n.state = 'sent'),
                                                    'Komplettering till IVO: ' || i.ref, s.at);
        WHEN 'ivo_answer' THEN
            PERFORM sqm.record_ivo_answer(org, (SELECT n.id FROM sqm.ivo_notification n WHERE n.org_id = org
                                                   AND n.investigation_id = obj AND n.state = 'sent'),
                                          'closed_no_action', s.at);
        WHEN 'ls_complete' THEN
            PERFORM sqm.complete_lex_sarah(org, obj, cur);
        WHEN 'ls_close' THEN
            PERFORM sqm.close_lex_sarah(org, obj, cur);
        -- complaints and feedback ---------------------------------------------
        -- (a matter directed at no unit is handled by Avdelning Administration)
        WHEN 'sk_register' THEN
            INSERT INTO demo_id VALUES (c.ref, sqm.register_complaint(
                org,
                (SELECT v.unit_id FROM sqm.unit_version v WHERE v.org_id = org
                    AND v.name = coalesce(c.unit, 'Avdelning Administration')
                    AND v.valid @> (c.registered_at AT TIME ZONE 'Europe/Stockholm')::date),
                c.registry_number::sqm.regnr, c.kind, c.sender_type, string_to_array(c.subjects, ';'), c.summary,
                c.sender_name, c.channel, c.received_at, c.registered_at, c.unit IS NOT NULL));
        WHEN 'sk_handle' THEN
            PERFORM sqm.start_complaint_handling(org, obj, cur, s.at);
        WHEN 'sk_answer' THEN
            PERFORM sqm.answer_complaint(org, obj, cur, c.answer_text, c.answered_by, c.answered_at);
        WHEN 'sk_close' THEN
            PERFORM sqm.close_complaint(org, obj, cur);
        WHEN 'sk_link' THEN
            PERFORM sqm.link_cases(org, 'complaint', obj, 'revealed', 'deviation',
                                   (SELECT x.id FROM demo_id x WHERE x.ref = c.deviation_ref),
                                   'Klagomålet visade på en avvikelse');
        -- personal data incidents ---------------------------------------------
        WHEN 'pui_report' THEN
            IF inc.deviation_ref IS NOT NULL THEN
                -- a deviation revealed it: the organisation knew when the
                -- deviation was reported (its report time is the awareness)
                INSERT INTO demo_id VALUES (inc.ref, sqm.forward_deviation(
                    org, (SELECT x.id FROM demo_id x WHERE x.ref = inc.deviation_ref), 'data_incident',
                    jsonb_build_object('incident_type', inc.type, 'cause', inc.cause, 'happened_at', inc.happened_at,
                                       'description', inc.description,
                                       'data_categories', to_jsonb(string_to_array(inc.data_categories, ';')),
                                       'data_subject_categories', to_jsonb(string_to_array(inc.data_subject_categories, ';')),
                                       'data_subjects_count', inc.data_subjects_count, 'regnr', inc.registry_number,
                                       'registered_at', inc.registered_at),
                    'Avvikelsen gällde också en personuppgiftsincident'));
            ELSE
                INSERT INTO demo_id VALUES (inc.ref, sqm.report_data_incident(
                    org,
                    (SELECT v.unit_id FROM sqm.unit_version v WHERE v.org_id = org AND v.name = inc.unit
                        AND v.valid @> (inc.aware_at AT TIME ZONE 'Europe/Stockholm')::date),
                    inc.type, inc.cause, inc.happened_at, inc.aware_at, inc.description,
                    string_to_array(inc.data_categories, ';'), string_to_array(inc.data_subject_categories, ';'),
                    inc.data_subjects_count, inc.registry_number::sqm.regnr, inc.registered_at,
                    CASE WHEN inc.recovered_at <= inc.registered_at THEN inc.recovered_at END));
            END IF;
        WHEN 'pui_recover' THEN
            PERFORM sqm.record_data_incident_recovery(org, obj, cur, inc.recovered_at);
        WHEN 'pui_assess' THEN
            PERFORM sqm.assess_data_incident(org, obj, cur, inc.risk, inc.risk_justification, inc.assessed_by, inc.assessed_at);
        WHEN 'pui_notify' THEN
            PERFORM sqm.notify_imy(org, obj, cur, inc.imy_reference, inc.imy_notified_at, inc.imy_late_reason);
        WHEN 'pui_inform' THEN
            PERFORM sqm.inform_data_subjects(org, obj, cur, inc.people_informed_at, inc.informing_exception);
        WHEN 'pui_plan' THEN
            PERFORM sqm.register_data_incident_action_plan(org, obj, cur, inc.action_plan, inc.action_plan_responsible,
                                                           inc.action_plan_at);
        WHEN 'pui_close' THEN
            PERFORM sqm.close_data_incident(org, obj, cur);
        -- lex Maja ------------------------------------------------------------
        WHEN 'lm_report' THEN
            INSERT INTO demo_id VALUES (lm.ref, sqm.report_lex_maja(
                org,
                (SELECT v.unit_id FROM sqm.unit_version v WHERE v.org_id = org AND v.name = lm.unit
                    AND v.valid @> (lm.registered_at AT TIME ZONE 'Europe/Stockholm')::date),
                lm.registry_number::sqm.regnr, lm.observed_at, lm.summary, lm.reporter_title, lm.registered_at));
        WHEN 'lm_send' THEN
            PERFORM sqm.send_lex_maja(org, obj, cur, lm.recipient, lm.recipient_name, lm.sent_at);
        WHEN 'lm_close' THEN
            PERFORM sqm.close_lex_maja(org, obj, cur);
        END CASE;
    END LOOP;
END
$$;
