-- Personal data incidents (domain.md §3.4, src/kinds/data_incident): every
-- rule broken through the API and by a direct superuser write, refused alike
-- with the same SQLSTATE and message, each condition on its own and the case
-- just inside it allowed; the bad input of issue 16 with detail and hint,
-- nothing changed; the lifecycle with its guards, the IMY clock of 72 real
-- hours across a daylight-saving change (GDPR art. 33(1)), the forwarded
-- deviation, the registry, the deadlines, the audit of the personal columns,
-- the statistics of the awareness day and the follow-up day; and access by
-- unit, role and organisation.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(157);

-- Summer time began on 30 March 2025 at 02:00 (CET → CEST).
SET LOCAL sqm.frozen_now = '2025-04-02 12:00+02';
SET LOCAL TimeZone = 'Europe/Stockholm';
SET LOCAL DateStyle = 'ISO, YMD';
SELECT sqm.create_roles() \g /dev/null
SELECT sqm.create_organisation('Incidenter', 'SN') AS org \gset
SELECT sqm.create_unit(:org, 'Förvaltningen', 'administration', '2024-01-01') AS adm \gset
SELECT sqm.create_unit(:org, 'Enhet A', 'unit', '2024-01-01', :adm) AS ua \gset
SELECT sqm.create_unit(:org, 'Enhet B', 'unit', '2024-01-01', :adm) AS ub \gset
SELECT sqm.create_unit(:org, 'Enhet C', 'unit', '2024-01-01', :adm) AS uc \gset
SELECT sqm.end_unit(:org, :uc, '2024-12-31') \g /dev/null
SELECT sqm.add_data_incident_type(:org, 'wrong_recipient', 'Fel mottagare', 'Wrong recipient', '2024-01-01') \g /dev/null
SELECT sqm.add_data_incident_type(:org, 'lost_device', 'Förlorad enhet', 'Lost device', '2024-01-01') \g /dev/null
SELECT sqm.add_data_incident_type(:org, 'old', 'Gammal', 'Old', '2024-01-01', '2024-12-31') \g /dev/null
SELECT sqm.add_data_incident_type(:org, 'coming', 'Kommande', 'Coming', '2025-06-01') \g /dev/null
SELECT sqm.add_deviation_type(:org, 'info', 'Information', 'Information', '2024-01-01') \g /dev/null
SELECT sqm.add_complaint_subject(:org, 'treatment', 'Bemötande', 'Treatment', '2024-01-01') \g /dev/null
SELECT sqm.create_organisation('Annan', 'SN') AS orgb \gset
SELECT sqm.create_unit(:orgb, 'Enhet B1', 'unit', '2024-01-01') AS b1 \gset
SELECT sqm.add_data_incident_type(:orgb, 'own', 'Eget', 'Own', '2024-01-01') \g /dev/null

CREATE ROLE tdi_reporter_a IN ROLE sqm_reporter;
CREATE ROLE tdi_reporter_b IN ROLE sqm_reporter;
CREATE ROLE tdi_manager_a IN ROLE sqm_unit_manager;
CREATE ROLE tdi_manager_b IN ROLE sqm_unit_manager;
CREATE ROLE tdi_coordinator IN ROLE sqm_quality_coordinator;
CREATE ROLE tdi_coordinator_b IN ROLE sqm_quality_coordinator;
CREATE ROLE tdi_auditor IN ROLE sqm_auditor;
CREATE ROLE tdi_reader IN ROLE sqm_report_reader;
SELECT sqm.grant_membership(:org, 'tdi_reporter_a', 'reporter', :ua) \g /dev/null
SELECT sqm.grant_membership(:org, 'tdi_reporter_b', 'reporter', :ub) \g /dev/null
SELECT sqm.grant_membership(:org, 'tdi_manager_a', 'unit_manager', :ua) \g /dev/null
SELECT sqm.grant_membership(:org, 'tdi_manager_b', 'unit_manager', :ub) \g /dev/null
SELECT sqm.grant_membership(:org, 'tdi_coordinator', 'quality_coordinator') \g /dev/null
SELECT sqm.grant_membership(:orgb, 'tdi_coordinator_b', 'quality_coordinator') \g /dev/null
SELECT sqm.grant_membership(:org, 'tdi_auditor', 'auditor') \g /dev/null
SELECT sqm.grant_membership(:org, 'tdi_reader', 'report_reader') \g /dev/null

-- What a statement does: 'ok' (and then it is undone), or its SQLSTATE and
-- message; try_full adds the detail and the hint.
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        EXECUTE q;
    EXCEPTION WHEN OTHERS THEN
        RETURN SQLSTATE || ': ' || SQLERRM;
    END;
    RAISE EXCEPTION 'undo' USING ERRCODE = 'UN000';
EXCEPTION WHEN SQLSTATE 'UN000' THEN
    RETURN 'ok';
END $$;
CREATE FUNCTION pg_temp.try_full(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text; det text; hnt text;
BEGIN
    BEGIN
        EXECUTE q;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
        RETURN st || ': ' || msg || ' / ' || coalesce(det, '-') || ' / ' || coalesce(hnt, '-');
    END;
    RAISE EXCEPTION 'undo' USING ERRCODE = 'UN000';
EXCEPTION WHEN SQLSTATE 'UN000' THEN
    RETURN 'ok';
END $$;
-- Run a statement as a role: 'ok', or the SQLSTATE and message.
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
CREATE FUNCTION pg_temp.value_as(r text, q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE v text;
BEGIN
    EXECUTE format('SET LOCAL ROLE %I', r);
    EXECUTE q INTO v;
    RESET ROLE;
    RETURN v;
END $$;

-- An incident through the API, and the same row written directly (with its
-- details): aware at `aware`, happened then unless told, registered now
-- (the API) unless told.
CREATE FUNCTION pg_temp.rep_api(u bigint, aware text, happened text DEFAULT NULL, registered text DEFAULT NULL,
                                itype text DEFAULT 'wrong_recipient', dcats text DEFAULT '{social_services}',
                                scats text DEFAULT '{service_user}', regnr text DEFAULT NULL, cnt integer DEFAULT 1)
RETURNS text LANGUAGE sql AS $$
    SELECT pg_temp.try(format('SELECT sqm.report_data_incident(%s, %s, %L, ''human_error'', %L, %L, ''Brev till fel mottagare'', %L, %L, %s, %L, %L)',
                              current_setting('tst.org'), u, itype, coalesce(happened, aware), aware, dcats, scats,
                              coalesce(cnt::text, 'NULL'), regnr, registered))
$$;
CREATE FUNCTION pg_temp.rep_direct(id bigint, u bigint, aware text, happened text DEFAULT NULL, registered text DEFAULT NULL,
                                   itype text DEFAULT 'wrong_recipient', dcats text DEFAULT '{social_services}',
                                   scats text DEFAULT '{service_user}', regnr text DEFAULT NULL, cnt integer DEFAULT 1)
RETURNS text LANGUAGE sql AS $$
    SELECT pg_temp.try(format('INSERT INTO sqm.data_incident (org_id, id, state, unit_id, regnr, incident_type, cause, happened_at, aware_at,
                                                              registered_at, data_categories, data_subject_categories, data_subjects_count)
                               VALUES (%s, %s, ''reported'', %s, %L, %L, ''human_error'', %L, %L, %L, %L, %L, %s);
                               INSERT INTO sqm.data_incident_detail (org_id, id, reported_by, description)
                               VALUES (%1$s, %2$s, ''direkt'', ''Brev till fel mottagare'')',
                              current_setting('tst.org'), id, u, regnr, itype, coalesce(happened, aware), aware,
                              coalesce(registered, sqm.now()::text), dcats, scats, coalesce(cnt::text, 'NULL')))
$$;
SELECT set_config('tst.org', :'org', true) \g /dev/null

-- ====================================================================
-- The row check (data_incident.c, sqm.data_incident_check)
-- ====================================================================
-- aware at the latest now
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.rep_api(:ua, '2025-04-02 12:00:01+02'),
          format('23514: data incident %s cannot have become known at 2025-04-02 12:00:01+02, which is in the future', :next),
          'an incident the organisation becomes aware of in the future: refused through the API');
SELECT is(pg_temp.rep_direct(:next, :ua, '2025-04-02 12:00:01+02', NULL, '2025-04-02 12:00:01+02'),
          format('23514: data incident %s cannot have become known at 2025-04-02 12:00:01+02, which is in the future', :next),
          'aware in the future: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.rep_api(:ua, '2025-04-02 12:00+02'), 'ok', 'aware exactly now is allowed');
-- happened at or before the awareness
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.rep_api(:ua, '2025-04-01 10:00+02', '2025-04-01 10:00:01+02'),
          format('23514: data incident %s cannot have happened at 2025-04-01 10:00:01+02, after the organisation became aware of it at 2025-04-01 10:00:00+02', :next),
          'happened after the awareness: refused through the API');
SELECT is(pg_temp.rep_direct(:next, :ua, '2025-04-01 10:00+02', '2025-04-01 10:00:01+02'),
          format('23514: data incident %s cannot have happened at 2025-04-01 10:00:01+02, after the organisation became aware of it at 2025-04-01 10:00:00+02', :next),
          'happened after the awareness: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.rep_api(:ua, '2025-04-01 10:00+02', '2025-04-01 10:00+02'), 'ok', 'happened the moment it became known is allowed');
-- registered between the awareness and now
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.rep_api(:ua, '2025-04-01 10:00+02', NULL, '2025-04-01 09:59:59+02'),
          format('23514: data incident %s cannot be registered at 2025-04-01 09:59:59+02', :next),
          'registered before the awareness: refused through the API');
SELECT is(pg_temp.rep_direct(:next, :ua, '2025-04-01 10:00+02', NULL, '2025-04-01 09:59:59+02'),
          format('23514: data incident %s cannot be registered at 2025-04-01 09:59:59+02', :next),
          'registered before the awareness: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.rep_api(:ua, '2025-04-01 10:00+02', NULL, '2025-04-02 12:00:01+02'),
          format('23514: data incident %s cannot be registered at 2025-04-02 12:00:01+02', :next + 1),
          'registered in the future: refused');
SELECT is(pg_temp.rep_api(:ua, '2025-04-01 10:00+02', NULL, '2025-04-01 10:00+02'), 'ok', 'registered the moment it became known is allowed');
-- the unit existed on the awareness date, in the organisation's time zone
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.rep_api(:uc, '2025-01-01 00:30+01', NULL, '2025-03-01 10:00+01'),
          format('23503: unit %s of organisation %s did not exist on 2025-01-01, the awareness date of data incident %s', :uc, :org, :next),
          'a unit that had ended: refused through the API');
SELECT is(pg_temp.rep_direct(:next, :uc, '2025-01-01 00:30+01', NULL, '2025-03-01 10:00+01'),
          format('23503: unit %s of organisation %s did not exist on 2025-01-01, the awareness date of data incident %s', :uc, :org, :next),
          'a unit that had ended: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.rep_api(:uc, '2024-12-31 23:30+00', NULL, '2025-03-01 10:00+01'),
          format('23503: unit %s of organisation %s did not exist on 2025-01-01, the awareness date of data incident %s', :uc, :org, :next + 1),
          'the awareness date is the organisation''s: 23:30 UTC on 31 December is 1 January in Stockholm');
SELECT is(pg_temp.rep_api(:uc, '2024-12-31 23:30+01', NULL, '2025-03-01 10:00+01'), 'ok',
          'on the ended unit''s last day an incident is reported for it');
-- the type is the organisation's, valid on the awareness date (with its detail and hint)
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.try_full(format($$SELECT sqm.report_data_incident(%s, %s, 'coming', 'human_error', '2025-04-01 10:00+02', '2025-04-01 10:00+02', 'x', '{health}', '{child}')$$, :org, :ua)),
          format('23503: data incident %s has type coming, which organisation %s does not use on 2025-04-01 / Valid on the awareness date: lost_device, wrong_recipient. / Choose a type of the organisation''s taxonomy valid on the awareness date (sqm.data_incident_type), or add one with sqm.add_data_incident_type().', :next, :org),
          'a type not yet valid: refused through the API, with the types valid then and what to do');
SELECT is(pg_temp.rep_direct(:next, :ua, '2025-04-01 10:00+02', NULL, NULL, 'coming'),
          format('23503: data incident %s has type coming, which organisation %s does not use on 2025-04-01', :next, :org),
          'a type not yet valid: refused directly, same SQLSTATE and message');
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.rep_api(:ua, '2025-01-01 00:30+01', NULL, '2025-03-01 10:00+01', 'old'),
          format('23503: data incident %s has type old, which organisation %s does not use on 2025-01-01', :next, :org),
          'a type that ended the day before: refused');
SELECT is(pg_temp.rep_api(:ua, '2024-12-31 23:30+01', NULL, '2025-03-01 10:00+01', 'old'), 'ok', 'a type on its last day is allowed');
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.rep_api(:ua, '2025-04-01 10:00+02', NULL, NULL, 'own'),
          format('23503: data incident %s has type own, which organisation %s does not use on 2025-04-01', :next, :org),
          'a type of another organisation: refused through the API');
SELECT is(pg_temp.rep_direct(:next, :ua, '2025-04-01 10:00+02', NULL, NULL, 'own'),
          format('23503: data incident %s has type own, which organisation %s does not use on 2025-04-01', :next, :org),
          'a type of another organisation: refused directly');
-- the data and the people concerned: known categories, never names; a count not negative
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.rep_api(:ua, '2025-04-01 10:00+02', NULL, NULL, 'wrong_recipient', '{health,"Anna Andersson"}'),
          format('23514: data incident %s names unknown categories of the data concerned: Anna Andersson', :next),
          'an unknown category of data (a name): refused through the API');
SELECT is(pg_temp.rep_direct(:next, :ua, '2025-04-01 10:00+02', NULL, NULL, 'wrong_recipient', '{health,"Anna Andersson"}'),
          format('23514: data incident %s names unknown categories of the data concerned: Anna Andersson', :next),
          'an unknown category of data: refused directly, same SQLSTATE and message');
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.rep_api(:ua, '2025-04-01 10:00+02', NULL, NULL, 'wrong_recipient', '{health}', '{child,grannen}'),
          format('23514: data incident %s names unknown categories of the people concerned: grannen', :next),
          'an unknown category of people: refused through the API');
SELECT is(pg_temp.rep_direct(:next, :ua, '2025-04-01 10:00+02', NULL, NULL, 'wrong_recipient', '{health}', '{child,grannen}'),
          format('23514: data incident %s names unknown categories of the people concerned: grannen', :next),
          'an unknown category of people: refused directly, same SQLSTATE and message');
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.rep_api(:ua, '2025-04-01 10:00+02', NULL, NULL, 'wrong_recipient', '{}'),
          format('23514: data incident %s names no category of the data concerned', :next), 'no category of data: refused through the API');
SELECT is(pg_temp.rep_direct(:next, :ua, '2025-04-01 10:00+02', NULL, NULL, 'wrong_recipient', '{}'),
          format('23514: data incident %s names no category of the data concerned', :next), 'no category of data: refused directly');
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.rep_api(:ua, '2025-04-01 10:00+02', NULL, NULL, 'wrong_recipient', '{health}', '{}'),
          format('23514: data incident %s names no category of the people concerned', :next), 'no category of people: refused through the API');
SELECT is(pg_temp.rep_direct(:next, :ua, '2025-04-01 10:00+02', NULL, NULL, 'wrong_recipient', '{health}', '{}'),
          format('23514: data incident %s names no category of the people concerned', :next), 'no category of people: refused directly');
SELECT is(left(pg_temp.rep_api(:ua, '2025-04-01 10:00+02', NULL, NULL, 'wrong_recipient', '{health}', '{child}', NULL, -1), 5), '23514',
          'a negative count of people: refused through the API');
SELECT is(left(pg_temp.rep_direct(nextval('sqm.case_id_seq') + 1, :ua, '2025-04-01 10:00+02', NULL, NULL, 'wrong_recipient', '{health}', '{child}', NULL, -1), 5),
          '23514', 'a negative count of people: refused directly');
SELECT is(pg_temp.rep_api(:ua, '2025-04-01 10:00+02', NULL, NULL, 'wrong_recipient', '{health}', '{child}', NULL, 0), 'ok',
          'no people concerned (0) is allowed');
SELECT is((SELECT count(*) FROM sqm.data_incident WHERE org_id = :org) + (SELECT count(*) FROM sqm.data_incident_detail WHERE org_id = :org),
          0::bigint, 'nothing of the refused reports remains');

-- the incidents the rest of the test works on
-- i1: aware before the change to summer time, a risk
SELECT sqm.report_data_incident(:org, :ua, 'wrong_recipient', 'human_error', '2025-03-28 09:00+01', '2025-03-28 12:00+01',
                                'Beslut skickat till fel adress', '{social_services,identity}', '{service_user}', 1,
                                '2025.201 SN', '2025-03-28 13:00+01') AS i1 \gset
-- i2: unlikely to result in a risk
SELECT sqm.report_data_incident(:org, :ub, 'lost_device', 'human_error', '2025-03-31 08:00+02', '2025-03-31 09:00+02',
                                'Mobiltelefon borttappad', '{contact}', '{staff}', 3) AS i2 \gset
-- i3: a high risk
SELECT sqm.report_data_incident(:org, :ua, 'wrong_recipient', 'technical', '2025-04-01 08:00+02', '2025-04-01 08:00+02',
                                'Journal i fel ärende', '{health,social_services}', '{child,guardian}', 2) AS i3 \gset
-- i4: left reported
SELECT sqm.report_data_incident(:org, :ua, 'wrong_recipient', 'human_error', '2025-04-01 09:00+02', '2025-04-01 09:00+02',
                                'Mejl till fel mottagare', '{identity}', '{relative}') AS i4 \gset
-- another organisation's
SELECT sqm.report_data_incident(:orgb, :b1, 'own', 'human_error', '2025-04-01 09:00+02', '2025-04-01 09:00+02',
                                'Annan organisation', '{identity}', '{relative}') AS ib \gset
SELECT is((SELECT (state, unit_id = :ua, incident_type, cause, data_categories, data_subject_categories, data_subjects_count, aware_on)::text
             FROM sqm.data_incident WHERE id = :i1),
          '(reported,t,wrong_recipient,human_error,"{social_services,identity}",{service_user},1,2025-03-28)',
          'an incident starts reported, with its type, cause, categories, count and awareness day');
SELECT is((SELECT (reported_by = session_user, description)::text FROM sqm.data_incident_detail WHERE id = :i1),
          '(t,"Beslut skickat till fel adress")', 'who reported it and what happened are in the details');

-- ====================================================================
-- The registry: one number, one matter of the organisation, any kind
-- ====================================================================
SELECT sqm.register_complaint(:org, :ua, '2025.300 SN', 'complaint', 'relative', '{treatment}', 'Klagomål') AS c1 \gset
SELECT is(pg_temp.try_full(format($$SELECT sqm.register_data_incident(%s, %s, 'reported', '2025.300 SN')$$, :org, :i4)),
          format('23505: registry number 2025.300 SN of organisation %s is already held by complaint %s / A registry number belongs to one matter of an organisation, whatever its kind; personal data incident %s cannot be registered under it. / Check the number in the registry; a new matter is registered under a number of its own.', :org, :c1, :i4),
          'a number a complaint holds: refused for an incident through the API, naming its holder, with detail and hint');
SELECT is(left(pg_temp.try(format($$UPDATE sqm.data_incident SET regnr = '2025.300 SN' WHERE id = %s$$, :i4)), 95),
          left(format('23505: registry number 2025.300 SN of organisation %s is already held by complaint %s', :org, :c1), 95),
          'and refused directly, naming its holder');
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(left(pg_temp.rep_api(:ua, '2025-04-01 10:00+02', NULL, NULL, 'wrong_recipient', '{health}', '{child}', 'SN 2025/201'), 90),
          left(format('23505: registry number 2025.201 SN of organisation %s is already held by personal data incident %s', :org, :i1), 90),
          'a number another incident holds (in another style) is refused, naming that incident');
SELECT is((SELECT regnr::text FROM sqm.data_incident WHERE id = :i4) IS NULL AND
          (SELECT count(*) FROM sqm.registry_entry WHERE org_id = :org AND object_id = :i4) = 0, true,
          'nothing changed: the incident has no number and the registry no entry for it');
SELECT lives_ok(format($$SELECT sqm.register_data_incident(%s, %s, 'reported', '2025.202 SN')$$, :org, :i4),
                'an incident reported without a number gets one later');
SELECT is((SELECT kind FROM sqm.registry_entry WHERE org_id = :org AND object_id = :i4), 'data_incident', 'held in the registry');
SELECT is(left(pg_temp.try(format($$UPDATE sqm.data_incident SET regnr = '2025.209 SN' WHERE id = %s$$, :i4)), 5), 'SQ010',
          'a registered number never changes');

-- ====================================================================
-- The risk assessment (lifecycle requires, row check, capability)
-- ====================================================================
SELECT is(pg_temp.try(format($$SELECT sqm.assess_data_incident(%s, %s, 'reported', 'risk', ' ', 'dataskyddssamordnare')$$, :org, :i1)),
          format('SQ002: personal data incident %s cannot move from "reported" to "assessed" without risk_justification', :i1),
          'an assessment without its justification is refused');
SELECT is(pg_temp.try(format($$SELECT sqm.assess_data_incident(%s, %s, 'reported', 'risk', 'Känsliga uppgifter', 'dpo', '2025-03-28 11:59:59+01')$$, :org, :i1)),
          format('23514: data incident %s cannot be assessed at 2025-03-28 11:59:59+01', :i1),
          'assessed before the awareness: refused through the API');
SELECT is(pg_temp.try(format($$UPDATE sqm.data_incident_detail SET risk_justification = 'x', assessed_by = 'y' WHERE id = %1$s;
                              UPDATE sqm.data_incident SET state = 'assessed', risk = 'risk', assessed_at = '2025-03-28 11:59:59+01' WHERE id = %1$s$$, :i1)),
          format('23514: data incident %s cannot be assessed at 2025-03-28 11:59:59+01', :i1),
          'assessed before the awareness: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.try(format($$SELECT sqm.assess_data_incident(%s, %s, 'reported', 'risk', 'x', 'dpo', '2025-04-02 12:00:01+02')$$, :org, :i1)),
          format('23514: data incident %s cannot be assessed at 2025-04-02 12:00:01+02', :i1), 'assessed in the future: refused');
SELECT is(left(pg_temp.as_role('tdi_manager_a', format($$SELECT sqm.assess_data_incident(%s, %s, 'reported', 'risk', 'x')$$, :org, :i1)), 5),
          '42501', 'a unit manager does not assess the risk (assess_data_incident: the data protection function)');
SELECT is(pg_temp.as_role('tdi_coordinator', format($$SELECT sqm.assess_data_incident(%s, %s, 'reported', 'risk', 'Känsliga uppgifter om en brukare', 'dataskyddssamordnare', '2025-03-28 12:00+01')$$, :org, :i1)),
          'ok', 'the quality coordinator assesses it, the moment it became known is allowed');
SELECT sqm.assess_data_incident(:org, :i2, 'reported', 'unlikely', 'Telefonen var låst och spärrades', 'dataskyddssamordnare', '2025-03-31 10:00+02') \g /dev/null
SELECT sqm.assess_data_incident(:org, :i3, 'reported', 'high', 'Hälsouppgifter om ett barn', 'dataskyddssamordnare', '2025-04-01 09:00+02') \g /dev/null
SELECT is((SELECT string_agg(state || ':' || risk, ' ' ORDER BY id) FROM sqm.data_incident WHERE id IN (:i1, :i2, :i3)),
          'assessed:risk assessed:unlikely assessed:high', 'assessed, each with its risk');

-- ====================================================================
-- The notification to IMY (GDPR art. 33(1))
-- ====================================================================
-- never for an incident assessed unlikely (the bad input "a notification for an incident assessed unlikely")
SELECT is(pg_temp.try_full(format($$SELECT sqm.notify_imy(%s, %s, 'assessed', 'IMY-2025-1', '2025-03-31 11:00+02')$$, :org, :i2)),
          format('SQ002: data incident %s is assessed as unlikely to result in a risk; it is not notified to IMY / A notification to IMY is made unless the breach is unlikely to result in a risk to the people concerned (GDPR art. 33(1)); its risk is assessed as unlikely. / If it is likely to result in a risk after all, assess it again first (sqm.assess_data_incident()).', :i2),
          'a notification of an incident assessed unlikely: refused through the API, with detail and hint');
SELECT is(pg_temp.try(format($$UPDATE sqm.data_incident_detail SET imy_reference = 'IMY-2025-1' WHERE id = %1$s;
                              UPDATE sqm.data_incident SET state = 'notified', imy_notified_at = '2025-03-31 11:00+02' WHERE id = %1$s$$, :i2)),
          format('SQ002: data incident %s is assessed as unlikely to result in a risk; it is not notified to IMY', :i2),
          'a notification of an incident assessed unlikely: refused directly, same SQLSTATE and message');
SELECT is((SELECT (state, imy_notified_at IS NULL)::text FROM sqm.data_incident WHERE id = :i2), '(assessed,t)', 'nothing changed');
-- the time of the notification between the awareness and now
SELECT is(pg_temp.try(format($$SELECT sqm.notify_imy(%s, %s, 'assessed', 'IMY-2025-2', '2025-03-28 11:59:59+01')$$, :org, :i1)),
          format('23514: data incident %s cannot be notified to IMY at 2025-03-28 11:59:59+01', :i1),
          'notified before the awareness: refused through the API');
SELECT is(pg_temp.try(format($$UPDATE sqm.data_incident_detail SET imy_reference = 'IMY-2025-2' WHERE id = %1$s;
                              UPDATE sqm.data_incident SET state = 'notified', imy_notified_at = '2025-03-28 11:59:59+01' WHERE id = %1$s$$, :i1)),
          format('23514: data incident %s cannot be notified to IMY at 2025-03-28 11:59:59+01', :i1),
          'notified before the awareness: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.try(format($$SELECT sqm.notify_imy(%s, %s, 'assessed', 'IMY-2025-2', '2025-04-02 12:00:01+02')$$, :org, :i1)),
          format('23514: data incident %s cannot be notified to IMY at 2025-04-02 12:00:01+02', :i1), 'notified in the future: refused');
SELECT is(pg_temp.try(format($$SELECT sqm.notify_imy(%s, %s, 'assessed', ' ', '2025-03-29 12:00+01')$$, :org, :i1)),
          format('SQ002: personal data incident %s cannot move from "assessed" to "notified" without imy_reference', :i1),
          'a notification without IMY''s reference is refused');
SELECT is(left(pg_temp.as_role('tdi_manager_a', format($$SELECT sqm.notify_imy(%s, %s, 'assessed', 'IMY-2025-2', '2025-03-29 12:00+01')$$, :org, :i1)), 5),
          '42501', 'a unit manager does not notify IMY (notify_imy)');
-- 72 real hours: aware 28 March 12:00 CET; the clocks went forward on 30 March,
-- so 72 hours later is 31 March 13:00 CEST (12:00 on the wall clock is 71 hours)
SELECT is(pg_temp.try_full(format($$SELECT sqm.notify_imy(%s, %s, 'assessed', 'IMY-2025-2', '2025-03-31 13:00:01+02')$$, :org, :i1)),
          format('23514: data incident %s was notified to IMY 72.0 hours after the organisation became aware of it, without reasons for the delay / It became aware at 2025-03-28 12:00:00+01 and notified IMY at 2025-03-31 13:00:01+02; a notification later than 72 hours is accompanied by the reasons for the delay (GDPR art. 33(1)). / Give the reasons for the delay with the notification (sqm.notify_imy(..., late_reason => ...)).', :i1),
          'a notification one second past 72 real hours without reasons: refused through the API, with detail and hint');
SELECT is(pg_temp.try(format($$UPDATE sqm.data_incident_detail SET imy_reference = 'IMY-2025-2' WHERE id = %1$s;
                              UPDATE sqm.data_incident SET state = 'notified', imy_notified_at = '2025-03-31 13:00:01+02' WHERE id = %1$s$$, :i1)),
          format('23514: data incident %s was notified to IMY 72.0 hours after the organisation became aware of it, without reasons for the delay', :i1),
          'and refused directly, same SQLSTATE and message');
SELECT is((SELECT (state, imy_notified_at IS NULL)::text FROM sqm.data_incident WHERE id = :i1), '(assessed,t)', 'nothing changed');
SELECT is(pg_temp.try(format($$SELECT sqm.notify_imy(%s, %s, 'assessed', 'IMY-2025-2', '2025-03-31 13:00:01+02', 'Helgen; handläggaren sjuk')$$, :org, :i1)),
          'ok', 'with the reasons for the delay a late notification is recorded');
SELECT is(pg_temp.try(format($$SELECT sqm.notify_imy(%s, %s, 'assessed', 'IMY-2025-2', '2025-03-31 13:00+02')$$, :org, :i1)),
          'ok', 'exactly 72 real hours after the awareness (13:00 CEST, 12:00 CET wall clock + 1) needs no reasons');
SELECT is(pg_temp.try(format($$SELECT sqm.notify_imy(%s, %s, 'assessed', 'IMY-2025-2', '2025-03-31 12:30+02')$$, :org, :i1)),
          'ok', '71.5 real hours, though 72.5 on the wall clock: in time');
-- a notification recorded now (5 days after) but dated within the 72 hours is in time: the notification's time counts, not the call's
SELECT lives_ok(format($$SELECT sqm.notify_imy(%s, %s, 'assessed', 'IMY-2025-2', '2025-03-31 12:30+02')$$, :org, :i1),
                'IMY notified in time, recorded later');
SELECT is((SELECT (state, imy_late, imy_notified_on)::text FROM sqm.data_incident WHERE id = :i1), '(notified,f,2025-03-31)',
          'notified, not late');
-- the risk is not lowered to unlikely once IMY is notified
SELECT is(pg_temp.try(format($$SELECT sqm.assess_data_incident(%s, %s, 'notified', 'unlikely', 'Omprövad')$$, :org, :i1)),
          format('SQ002: data incident %s is assessed as unlikely to result in a risk; it is not notified to IMY', :i1),
          'a notified incident is not reassessed as unlikely through the API');
SELECT is(pg_temp.try(format($$UPDATE sqm.data_incident SET risk = 'unlikely' WHERE id = %s$$, :i1)),
          format('SQ002: data incident %s is assessed as unlikely to result in a risk; it is not notified to IMY', :i1),
          'nor directly');
-- a late notification directly, and its reasons kept
SELECT sqm.report_data_incident(:org, :ub, 'wrong_recipient', 'human_error', '2025-03-20 10:00+01', '2025-03-20 10:00+01',
                                'Brev med fel bilaga', '{social_services}', '{service_user}', 1) AS i5 \gset
SELECT sqm.assess_data_incident(:org, :i5, 'reported', 'risk', 'Uppgifter om bistånd', 'dataskyddssamordnare', '2025-03-21 10:00+01') \g /dev/null
SELECT is(pg_temp.try(format($$UPDATE sqm.data_incident_detail SET imy_reference = 'IMY-2025-5', imy_late_reason = 'Upptäcktes sent' WHERE id = %1$s;
                              UPDATE sqm.data_incident SET state = 'notified', imy_notified_at = '2025-03-24 10:00+01' WHERE id = %1$s$$, :i5)),
          'ok', 'a direct writer records a late notification with its reasons as well');
SELECT sqm.notify_imy(:org, :i5, 'assessed', 'IMY-2025-5', '2025-03-24 10:00+01', 'Upptäcktes sent i ärendet') \g /dev/null
SELECT is((SELECT imy_late FROM sqm.data_incident WHERE id = :i5), true, 'a notification 96 hours after the awareness is late');
SELECT is(pg_temp.try(format($$UPDATE sqm.data_incident_detail SET imy_late_reason = ' ' WHERE id = %s$$, :i5)),
          format('23514: the reasons for the late notification of data incident %s to IMY cannot be removed', :i5),
          'the reasons for the delay are not removed afterwards');
SELECT is(pg_temp.try(format($$UPDATE sqm.data_incident_detail SET imy_late_reason = NULL WHERE id = %s$$, :i1)), 'ok',
          'a notification in time needs none');

-- ====================================================================
-- The people concerned told, or an exception of art. 34(3)
-- ====================================================================
SELECT sqm.notify_imy(:org, :i3, 'assessed', 'IMY-2025-3', '2025-04-01 10:00+02') \g /dev/null
SELECT is(pg_temp.try(format($$SELECT sqm.inform_data_subjects(%s, %s, 'notified', '2025-04-01 07:59:59+02')$$, :org, :i3)),
          format('23514: data incident %s cannot be informed about at 2025-04-01 07:59:59+02', :i3),
          'told before the awareness: refused through the API');
SELECT is(pg_temp.try(format($$UPDATE sqm.data_incident SET state = 'informed', informing = 'informed', informed_at = '2025-04-01 07:59:59+02' WHERE id = %s$$, :i3)),
          format('23514: data incident %s cannot be informed about at 2025-04-01 07:59:59+02', :i3),
          'told before the awareness: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.try(format($$UPDATE sqm.data_incident SET state = 'informed', informing = 'exception', informed_at = '2025-04-01 12:00+02' WHERE id = %s$$, :i3)),
          format('23514: data incident %s records an exception to telling the people concerned without its ground', :i3),
          'an exception without its ground: refused directly (the API records an exception only with its ground)');
SELECT is(pg_temp.try(format($$UPDATE sqm.data_incident_detail SET informing_exception = 'Art. 34.3 c: oproportionerlig ansträngning' WHERE id = %1$s;
                              UPDATE sqm.data_incident SET state = 'informed', informing = 'exception', informed_at = '2025-04-01 12:00+02' WHERE id = %1$s$$, :i3)),
          'ok', 'with its ground the exception is recorded directly as well');
SELECT is(pg_temp.try(format($$SELECT sqm.inform_data_subjects(%s, %s, 'notified', '2025-04-01 08:00+02')$$, :org, :i3)), 'ok',
          'told the moment it became known is allowed');

-- ====================================================================
-- The action plan follows what the risk called for (guard
-- sqm_guard_data_incident_planned)
-- ====================================================================
SELECT is(pg_temp.try_full(format($$SELECT sqm.register_data_incident_action_plan(%s, %s, 'notified', 'Rutin för dubbelkontroll', 'enhetschef', '2025-04-01 12:00+02')$$, :org, :i3)),
          format('SQ002: data incident %s cannot have its action plan registered: its risk is high and the people concerned have not been told, nor an exception recorded / With a high risk the people concerned are told without undue delay, unless an exception of GDPR art. 34(3) applies (art. 34). / Record it with sqm.inform_data_subjects().', :i3),
          'a high risk, the people not told: the action plan is refused through the API');
SELECT is(pg_temp.try(format($$UPDATE sqm.data_incident_detail SET action_plan = 'Rutin', action_plan_responsible = 'enhetschef' WHERE id = %1$s;
                              UPDATE sqm.data_incident SET state = 'action_planned', action_plan_at = '2025-04-01 12:00+02' WHERE id = %1$s$$, :i3)),
          format('SQ002: data incident %s cannot have its action plan registered: its risk is high and the people concerned have not been told, nor an exception recorded', :i3),
          'and refused directly, same SQLSTATE and message');
SELECT sqm.assess_data_incident(:org, :i4, 'reported', 'risk', 'Kontaktuppgifter', 'dataskyddssamordnare', '2025-04-01 10:00+02') \g /dev/null
SELECT is(pg_temp.try(format($$SELECT sqm.register_data_incident_action_plan(%s, %s, 'assessed', 'Rutin', 'enhetschef')$$, :org, :i4)),
          format('SQ002: data incident %s cannot have its action plan registered: its risk is assessed as risk and IMY has not been notified', :i4),
          'a risk, IMY not notified: the action plan is refused through the API');
SELECT is(pg_temp.try(format($$UPDATE sqm.data_incident_detail SET action_plan = 'Rutin', action_plan_responsible = 'enhetschef' WHERE id = %1$s;
                              UPDATE sqm.data_incident SET state = 'action_planned', action_plan_at = '2025-04-01 12:00+02' WHERE id = %1$s$$, :i4)),
          format('SQ002: data incident %s cannot have its action plan registered: its risk is assessed as risk and IMY has not been notified', :i4),
          'and refused directly, same SQLSTATE and message');
SELECT is(pg_temp.try(format($$SELECT sqm.register_data_incident_action_plan(%s, %s, 'assessed', 'Rutin', 'enhetschef')$$, :org, :i2)), 'ok',
          'unlikely to result in a risk: the action plan follows the assessment without IMY');
SELECT sqm.register_data_incident_action_plan(:org, :i2, 'assessed', 'Skärmlås på alla telefoner', 'IT-chef', '2025-03-31 12:00+02') \g /dev/null
SELECT is(pg_temp.try(format($$SELECT sqm.register_data_incident_action_plan(%s, %s, 'notified', 'Rutin', 'enhetschef', '2025-03-28 11:59:59+01')$$, :org, :i1)),
          format('23514: data incident %s cannot be given an action plan at 2025-03-28 11:59:59+01', :i1),
          'an action plan dated before the awareness: refused through the API');
SELECT is(pg_temp.try(format($$UPDATE sqm.data_incident_detail SET action_plan = 'Rutin', action_plan_responsible = 'enhetschef' WHERE id = %1$s;
                              UPDATE sqm.data_incident SET state = 'action_planned', action_plan_at = '2025-03-28 11:59:59+01' WHERE id = %1$s$$, :i1)),
          format('23514: data incident %s cannot be given an action plan at 2025-03-28 11:59:59+01', :i1),
          'an action plan dated before the awareness: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.try(format($$SELECT sqm.register_data_incident_action_plan(%s, %s, 'notified', 'Rutin', ' ')$$, :org, :i1)),
          format('SQ002: personal data incident %s cannot move from "notified" to "action_planned" without action_plan_responsible', :i1),
          'an action plan without who is responsible is refused');
SELECT lives_ok(format($$SELECT sqm.register_data_incident_action_plan(%s, %s, 'notified', 'Dubbelkontroll av adress före utskick', 'enhetschef A', '2025-04-01 15:00+02')$$, :org, :i1),
                'a risk notified to IMY: its action plan is registered (the people need not be told)');
SELECT lives_ok(format($$SELECT sqm.plan_measure(%s, 'data_incident', %s, 'Utbildning i säker post', 'enhetschef A', '2025-05-01', '2025-06-01')$$, :org, :i1),
                'a measure of the action plan is a measure of the incident');

-- ====================================================================
-- Closing (guard sqm_guard_data_incident_closable)
-- ====================================================================
SELECT sqm.report_data_incident(:org, :ua, 'wrong_recipient', 'human_error', '2025-04-02 08:00+02', '2025-04-02 08:00+02',
                                'Sms till fel nummer', '{contact}', '{relative}') AS i6 \gset
SELECT is(pg_temp.try(format($$SELECT sqm.close_data_incident(%s, %s, 'reported')$$, :org, :i6)),
          format('SQ002: data incident %s cannot be closed: its risk is not assessed', :i6),
          'closing an incident whose risk is not assessed: refused through the API');
SELECT is(pg_temp.try(format($$UPDATE sqm.data_incident SET state = 'closed', closed_at = sqm.now() WHERE id = %s$$, :i6)),
          format('SQ002: data incident %s cannot be closed: its risk is not assessed', :i6),
          'and refused directly, same SQLSTATE and message');
-- the bad input "closing an incident without an action plan"
SELECT sqm.report_data_incident(:org, :ub, 'lost_device', 'human_error', '2025-04-02 08:00+02', '2025-04-02 08:00+02',
                                'Pärm borttappad', '{identity}', '{service_user}') AS i7 \gset
SELECT sqm.assess_data_incident(:org, :i7, 'reported', 'unlikely', 'Pärmen hittades på kontoret', 'dataskyddssamordnare', '2025-04-02 09:00+02') \g /dev/null
SELECT is(pg_temp.try_full(format($$SELECT sqm.close_data_incident(%s, %s, 'assessed')$$, :org, :i7)),
          format('SQ002: data incident %s cannot be closed: no action plan is registered / Every incident gets an action plan before it closes; missing: its date (action_plan_at), its content (action_plan), who is responsible (action_plan_responsible). / Register the action plan with sqm.register_data_incident_action_plan(); its measures are planned with sqm.plan_measure(org, ''data_incident'', %s, ...).', :i7, :i7),
          'closing without an action plan: refused through the API, with what is missing and what to do');
SELECT is(pg_temp.try(format($$UPDATE sqm.data_incident SET state = 'closed', closed_at = sqm.now() WHERE id = %s$$, :i7)),
          format('SQ002: data incident %s cannot be closed: no action plan is registered', :i7),
          'closing without an action plan: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.try_full(format($$UPDATE sqm.data_incident SET state = 'closed', closed_at = sqm.now(), action_plan_at = '2025-04-02 10:00+02' WHERE id = %s$$, :i7)),
          format('SQ002: data incident %s cannot be closed: no action plan is registered / Every incident gets an action plan before it closes; missing: its content (action_plan), who is responsible (action_plan_responsible). / Register the action plan with sqm.register_data_incident_action_plan(); its measures are planned with sqm.plan_measure(org, ''data_incident'', %s, ...).', :i7, :i7),
          'a plan''s date alone is no action plan');
SELECT is(pg_temp.try(format($$UPDATE sqm.data_incident_detail SET action_plan = 'Rutin' WHERE id = %1$s;
                              UPDATE sqm.data_incident SET state = 'closed', closed_at = sqm.now(), action_plan_at = '2025-04-02 10:00+02' WHERE id = %1$s$$, :i7)),
          format('SQ002: data incident %s cannot be closed: no action plan is registered', :i7),
          'nor without who is responsible');
SELECT is((SELECT (state, action_plan_at IS NULL)::text FROM sqm.data_incident WHERE id = :i7), '(assessed,t)', 'nothing changed');
-- what the risk called for, checked again at the closure: a direct writer skipping the steps
SELECT is(pg_temp.try(format($$UPDATE sqm.data_incident_detail SET action_plan = 'Rutin', action_plan_responsible = 'enhetschef' WHERE id = %1$s;
                              UPDATE sqm.data_incident SET state = 'closed', closed_at = sqm.now(), action_plan_at = '2025-04-02 10:00+02' WHERE id = %1$s$$, :i4)),
          format('SQ002: data incident %s cannot be closed: its risk is assessed as risk and IMY has not been notified', :i4),
          'a risk closed directly with a plan but without IMY notified: refused');
-- a plan removed directly does not get past the closure guard
SELECT is(pg_temp.try(format($$UPDATE sqm.data_incident_detail SET action_plan = NULL WHERE id = %1$s;
                              UPDATE sqm.data_incident SET state = 'closed', closed_at = sqm.now() WHERE id = %1$s$$, :i2)),
          format('SQ002: data incident %s cannot be closed: no action plan is registered', :i2),
          'an action plan removed directly: the closure guard reads the details again');
SELECT lives_ok(format($$SELECT sqm.close_data_incident(%s, %s, 'action_planned')$$, :org, :i2),
                'unlikely, with an action plan: closed (documented whatever its outcome)');
SELECT lives_ok(format($$SELECT sqm.close_data_incident(%s, %s, 'action_planned')$$, :org, :i1),
                'a risk, notified, with an action plan: closed');
SELECT lives_ok(format($$SELECT sqm.inform_data_subjects(%s, %s, 'notified', '2025-04-01 11:00+02', 'Art. 34.3 b: adressaten har raderat uppgifterna')$$, :org, :i3),
                'instead of telling the people concerned, an exception of art. 34(3) is recorded with its ground');
SELECT is(pg_temp.try(format($$UPDATE sqm.data_incident_detail SET informing_exception = ' ' WHERE id = %s$$, :i3)),
          format('23514: the ground of the exception to telling the people concerned of data incident %s cannot be removed', :i3),
          'the ground of the exception is not removed afterwards');
SELECT sqm.register_data_incident_action_plan(:org, :i3, 'informed', 'Behörighetsgranskning', 'IT-chef', '2025-04-02 09:00+02') \g /dev/null
SELECT lives_ok(format($$SELECT sqm.close_data_incident(%s, %s, 'action_planned')$$, :org, :i3),
                'a high risk, notified, the people told, with an action plan: closed');
SELECT is(left(pg_temp.try(format($$UPDATE sqm.data_incident_detail SET action_plan = 'ändrad' WHERE id = %s$$, :i1)), 5), 'SQ004',
          'a closed incident''s details are not edited');

-- ====================================================================
-- A deviation that reveals an incident stays a deviation; the incident's
-- clock runs from the deviation's report
-- ====================================================================
SELECT sqm.report_deviation(:org, :ua, 'SoL', '2025-03-31 10:00+02', 'Utdrag lämnat till fel person', '{info}', '2025-04-01 10:00+02') AS dev \gset
SELECT is(pg_temp.try(format($$SELECT sqm.forward_deviation(%s, %s, 'data_incident', '{"incident_type": "wrong_recipient", "cause": "human_error", "data_categories": ["social_services"], "data_subject_categories": ["service_user"], "aware_at": "2025-04-01 10:00:01+02"}')$$, :org, :dev)),
          format('22023: a personal data incident revealed by deviation %s cannot have become known at 2025-04-01 10:00:01+02, after the deviation was reported', :dev),
          'an awareness later than the deviation''s report is refused: the organisation knew then');
SELECT sqm.forward_deviation(:org, :dev, 'data_incident', '{"incident_type": "wrong_recipient", "cause": "human_error", "data_categories": ["social_services"], "data_subject_categories": ["service_user"]}') AS fw \gset
SELECT is((SELECT (i.unit_id = :ua, i.aware_at = d.reported_at, i.happened_at = d.happened_at, x.description)::text
             FROM sqm.data_incident i JOIN sqm.data_incident_detail x USING (org_id, id), sqm.deviation d
            WHERE i.id = :fw AND d.id = :dev),
          '(t,t,t,"Utdrag lämnat till fel person")',
          'forwarded: made by the constructor, aware when the deviation was reported, with its unit, event time and description');
SELECT ok(sqm.case_linked(:org, 'deviation', :dev, 'forwarded_to', 'data_incident'), 'linked forwarded_to');
SELECT is((SELECT state FROM sqm.deviation WHERE id = :dev), 'reported', 'the deviation keeps its own lifecycle');
SELECT is((SELECT to_char(due_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM-DD HH24:MI') FROM sqm.obligations(:org, rule => 'imy_notification') WHERE object_id = :fw),
          '2025-04-04 10:00', 'its IMY clock runs from the deviation''s report');
SELECT sqm.report_deviation(:org, :ua, 'SoL', '2025-03-31 10:00+02', 'Utdrag lämnat till fel person', '{info}', '2025-04-01 10:00+02') AS dev2 \gset
SELECT sqm.forward_deviation(:org, :dev2, 'data_incident', '{"incident_type": "wrong_recipient", "cause": "human_error", "data_categories": ["social_services"], "data_subject_categories": ["service_user"], "aware_at": "2025-03-31 16:00+02"}') AS fw2 \gset
SELECT is((SELECT aware_at FROM sqm.data_incident WHERE id = :fw2), '2025-03-31 16:00+02'::timestamptz,
          'an earlier awareness is taken when given');
SELECT is(left(pg_temp.try(format($$SELECT sqm.data_incident_from_case(%s, 'complaint', %s, 'x', '{}')$$, :org, :c1)), 5), '22023',
          'the constructor makes an incident only from a deviation');
SELECT is(left(pg_temp.as_role('tdi_coordinator_b', format($$SELECT sqm.forward_deviation(%s, %s, 'data_incident', '{}')$$, :org, :dev)), 5), '42501',
          'another organisation''s coordinator cannot forward the deviation');

-- ====================================================================
-- Deadlines (domain.md §4): IMY 72 real hours (legal), the people
-- concerned told (routine, high risk only), the action plan (routine)
-- ====================================================================
SELECT is((SELECT status || ' ' || legal || ' ' || to_char(due_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM-DD HH24:MI')
             FROM sqm.obligations(:org, rule => 'imy_notification') WHERE object_id = :i1),
          'met true 2025-03-31 13:00',
          'IMY within 72 real hours: aware 28 March 12:00 CET, due 31 March 13:00 CEST (not 12:00: the clocks went forward); met');
SELECT is((SELECT status FROM sqm.obligations(:org, rule => 'imy_notification') WHERE object_id = :i5), 'met_late',
          'notified after 96 hours: met late');
SELECT is((SELECT status || ' ' || to_char(due_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM-DD HH24:MI')
             FROM sqm.obligations(:org, rule => 'imy_notification') WHERE object_id = :i4),
          'due 2025-04-04 09:00', 'a risk not yet notified: due 72 hours after the awareness');
SELECT is((SELECT count(*) FROM sqm.obligations(:org, rule => 'imy_notification') WHERE object_id IN (:i2, :i7)), 0::bigint,
          'an incident assessed unlikely has no IMY deadline');
SELECT is((SELECT string_agg(object_id::text, ',') FROM sqm.obligations(:org, rule => 'data_subjects_informed')), :'i3',
          'only the high risk must be told');
SELECT is((SELECT status || ' ' || to_char(due_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM-DD HH24:MI')
             FROM sqm.obligations(:org, rule => 'data_subjects_informed') WHERE object_id = :i3),
          'met 2025-04-04 09:00', 'the people concerned told within the routine 3 days of the assessment');
SELECT is((SELECT status || ' ' || to_char(due_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM-DD HH24:MI')
             FROM sqm.obligations(:org, rule => 'data_incident_action_plan') WHERE object_id = :i1),
          'met 2025-04-11 12:00', 'the action plan within the routine 14 days of the awareness');
SELECT is((SELECT count(*) FROM sqm.obligations(:org, kind => 'data_incident', rule => 'data_incident_action_plan')),
          (SELECT count(*) FROM sqm.data_incident WHERE org_id = :org), 'every incident has an action plan deadline');

-- ====================================================================
-- A lost thing found again: after the event, by now
-- ====================================================================
SELECT is(pg_temp.try(format($$SELECT sqm.record_data_incident_recovery(%s, %s, 'reported', '2025-04-02 07:59:59+02')$$, :org, :i6)),
          format('23514: data incident %s cannot be recovered at 2025-04-02 07:59:59+02', :i6),
          'recovered before it happened: refused through the API');
SELECT is(pg_temp.try(format($$UPDATE sqm.data_incident SET recovered_at = '2025-04-02 07:59:59+02' WHERE id = %s$$, :i6)),
          format('23514: data incident %s cannot be recovered at 2025-04-02 07:59:59+02', :i6),
          'recovered before it happened: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.try(format($$SELECT sqm.record_data_incident_recovery(%s, %s, 'reported', '2025-04-02 12:00:01+02')$$, :org, :i6)),
          format('23514: data incident %s cannot be recovered at 2025-04-02 12:00:01+02', :i6), 'recovered in the future: refused');
SELECT is(pg_temp.as_role('tdi_manager_a', format($$SELECT sqm.record_data_incident_recovery(%s, %s, 'reported', '2025-04-02 08:00+02')$$, :org, :i6)),
          'ok', 'the unit manager records it found again, the moment it was lost is allowed');

-- ====================================================================
-- The audit trail keeps the personal columns out of the chain
-- ====================================================================
SELECT is((SELECT string_agg(DISTINCT k, ',' ORDER BY k) FROM sqm.audit_event e, jsonb_each_text(e.after) AS j(k, v)
            WHERE e.org_id = :org AND e.object_id = :i1 AND k IN ('reported_by', 'assessed_by', 'action_plan_responsible')
              AND v LIKE 'sha256:%'),
          'action_plan_responsible,assessed_by,reported_by',
          'who reported, who assessed and who is responsible for the plan enter the audit trail as salted digests');
SELECT is((SELECT count(*) FROM sqm.audit_event e WHERE e.org_id = :org AND e.object_id = :i1
              AND (e.after::text LIKE '%enhetschef A%' OR e.after::text LIKE '%dataskyddssamordnare%' OR e.after::text LIKE '%' || session_user || '%')),
          0::bigint, 'no event of the incident holds a person in plain text');
SELECT is((SELECT string_agg(change || coalesce(':' || to_state, ''), ' ' ORDER BY seq) FROM sqm.audit_event WHERE org_id = :org AND object_id = :i1),
          'create:reported edit edit move:assessed edit move:notified edit move:action_planned move:closed',
          'every call on the incident left its events (the details as edits)');
SELECT is((SELECT ok FROM sqm.verify(:org)), true, 'the cases agree with the trail');

-- ====================================================================
-- Statistics: the awareness day in the organisation's time zone, what was
-- done as of the follow-up day
-- ====================================================================
SELECT sqm.report_data_incident(:org, :ua, 'wrong_recipient', 'human_error', '2024-12-31 23:00+00', '2024-12-31 23:30+00',
                                'Nyårsnatt', '{identity}', '{service_user}', 1, NULL, '2025-01-02 10:00+01') AS e2025 \gset
SELECT sqm.report_data_incident(:org, :ua, 'wrong_recipient', 'human_error', '2024-12-31 23:00+01', '2024-12-31 23:30+01',
                                'Nyårsafton', '{identity}', '{service_user}', 1, NULL, '2025-01-02 10:00+01') AS e2024 \gset
SELECT sqm.report_data_incident(:org, :ub, 'wrong_recipient', 'routine', '2024-12-30 10:00+01', '2024-12-30 10:00+01',
                                'Fel mall', '{social_services}', '{service_user}', 1, NULL, '2025-01-02 10:00+01') AS l2024 \gset
SELECT sqm.assess_data_incident(:org, :l2024, 'reported', 'risk', 'Biståndsuppgifter', 'dataskyddssamordnare', '2025-01-02 11:00+01') \g /dev/null
SELECT sqm.notify_imy(:org, :l2024, 'assessed', 'IMY-2025-9', '2025-02-10 10:00+01', 'Missades vid helgerna') \g /dev/null
SELECT is((SELECT aware_on FROM sqm.data_incident WHERE id = :e2025), '2025-01-01'::date,
          '23:30 UTC on New Year''s Eve is New Year''s Day in Stockholm: counted in 2025');
SELECT is((SELECT (incidents, assessed_unlikely, assessed_risk, assessed_high, notified_to_imy, notified_in_time, notified_late,
                   people_informed, informing_exceptions, action_plans)::text
             FROM sqm.stat_data_incident_summary WHERE org_id = :org AND period = '2025'),
          '(10,2,3,1,3,2,1,0,1,3)',
          '2025: ten incidents, their risks, notified in time and late, the exception and the action plans');
SELECT is((SELECT (status_on, incidents, assessed_risk, notified_to_imy, notified_late)::text
             FROM sqm.stat_data_incident_summary WHERE org_id = :org AND period = '2024'),
          '(2025-01-31,2,1,0,0)',
          '2024: a notification made after the follow-up day (31 January) does not count for 2024');
SELECT is((SELECT string_agg(cause || ' ' || cases || ' ' || previous_cases, ', ' ORDER BY cause)
             FROM sqm.stat_data_incident_per_cause WHERE org_id = :org AND period = '2025'),
          'external 0 0, human_error 9 1, routine 0 1, technical 1 0, unknown 0 0',
          'per cause beside the year before, every cause with a row');
SELECT is((SELECT string_agg(incident_type || ' ' || cases || ' ' || previous_cases, ', ' ORDER BY incident_type)
             FROM sqm.stat_data_incident_per_type WHERE org_id = :org AND period = '2025'),
          'coming 0 0, lost_device 2 0, old 0 0, wrong_recipient 8 2',
          'per type: every type valid in either year');
SELECT is((SELECT string_agg(unit_name || ' ' || coalesce(cases::text, '–') || ' (' || coalesce(previous_cases::text, '–') || ')', ', ' ORDER BY unit_name)
             FROM sqm.stat_data_incident_per_unit WHERE org_id = :org AND period = '2025' AND attribution = 'today'),
          'Enhet A 7 (1), Enhet B 3 (1)',
          'per unit beside the year before (a unit that ended without incidents has no row)');
SELECT is((SELECT cases || ' ' || previous_cases FROM sqm.stat_data_incident_per_unit_total WHERE org_id = :org AND period = '2025' AND attribution = 'today'),
          '10 2', 'the unit rows sum to the total');
SELECT is(pg_temp.try(format($$SELECT * FROM sqm.data_incidents_per_unit(%s, '2025', 'igår')$$, :org)), '22023: unknown attribution "igår"',
          'an unknown attribution is refused');

-- ====================================================================
-- Access: a reporter sees their own unit's incidents; the details only
-- those who handle incidents; nothing of another organisation
-- ====================================================================
SELECT is(pg_temp.as_role('tdi_reporter_a', format($$SELECT sqm.report_data_incident(%s, %s, 'wrong_recipient', 'human_error', '2025-04-02 09:00+02', '2025-04-02 09:00+02', 'x', '{identity}', '{relative}')$$, :org, :ua)),
          'ok', 'a reporter reports an incident of their unit');
SELECT is(left(pg_temp.as_role('tdi_reporter_a', format($$SELECT sqm.report_data_incident(%s, %s, 'wrong_recipient', 'human_error', '2025-04-02 09:00+02', '2025-04-02 09:00+02', 'x', '{identity}', '{relative}')$$, :org, :ub)), 5),
          '42501', 'but not of another unit');
SELECT is(pg_temp.value_as('tdi_reporter_a', format('SELECT count(*) FROM sqm.data_incident WHERE org_id = %s', :org)),
          (SELECT count(*)::text FROM sqm.data_incident WHERE org_id = :org AND unit_id = :ua), 'a reporter sees their own unit''s incidents');
SELECT is(pg_temp.value_as('tdi_reporter_b', format('SELECT count(*) FROM sqm.data_incident WHERE org_id = %s AND unit_id = %s', :org, :ua)), '0',
          'a reporter of unit B sees nothing of unit A');
SELECT is(left(pg_temp.as_role('tdi_reporter_a', format($$SELECT sqm.assess_data_incident(%s, %s, 'reported', 'risk', 'x')$$, :org, :i6)), 5),
          '42501', 'a reporter does not assess');
SELECT is(left(pg_temp.as_role(r, format('SELECT description FROM sqm.data_incident_detail WHERE org_id = %s', :org)), 5), '42501',
          format('%s cannot read the details', r))
  FROM unnest(ARRAY['tdi_reporter_a', 'tdi_auditor', 'tdi_reader']) r;
SELECT is(pg_temp.value_as('tdi_manager_a', format('SELECT description FROM sqm.data_incident_detail WHERE id = %s', :i1)),
          'Beslut skickat till fel adress', 'the unit manager of the incident''s unit reads its details');
SELECT is(pg_temp.value_as('tdi_manager_b', format('SELECT count(*) FROM sqm.data_incident_detail WHERE org_id = %s AND id = %s', :org, :i1)), '0',
          'the unit manager of another unit does not');
SELECT is(pg_temp.value_as('tdi_manager_b', format('SELECT count(*) FROM sqm.data_incident WHERE org_id = %s AND id = %s', :org, :i1)), '0',
          'nor sees the incident');
SELECT is(left(pg_temp.as_role('tdi_manager_b', format($$SELECT sqm.close_data_incident(%s, %s, 'assessed')$$, :org, :i4)), 5), '42704',
          'the manager of another unit cannot close it (as if it did not exist)');
SELECT is(pg_temp.value_as('tdi_auditor', format('SELECT count(*) FROM sqm.data_incident WHERE org_id = %s', :org)),
          (SELECT count(*)::text FROM sqm.data_incident WHERE org_id = :org), 'an auditor sees every incident');
SELECT is(pg_temp.value_as('tdi_reader', format('SELECT count(*) FROM sqm.data_incident WHERE org_id = %s', :org)),
          (SELECT count(*)::text FROM sqm.data_incident WHERE org_id = :org), 'a report reader counts every incident');
SELECT is(left(pg_temp.as_role('tdi_reader', format('SELECT aware_at FROM sqm.data_incident WHERE org_id = %s', :org)), 5), '42501',
          'but reads no exact time');
SELECT is(pg_temp.value_as('tdi_reader', format($$SELECT notified_late FROM sqm.stat_data_incident_summary WHERE org_id = %s AND period = '2025'$$, :org)), '1',
          'and counts the late notifications (the computed flag)');
SELECT is(pg_temp.value_as('tdi_coordinator_b', format('SELECT count(*) FROM %s WHERE org_id = %s', t, :org)), '0',
          format('a coordinator of another organisation sees no row of %s', t))
  FROM unnest(ARRAY['sqm.data_incident', 'sqm.data_incident_detail', 'sqm.data_incident_type']) t;
SELECT is(left(pg_temp.as_role('tdi_coordinator_b', format(q, :org, :i4)), 5), '42501',
          format('another organisation''s coordinator: %s is refused', left(q, 45)))
  FROM unnest(ARRAY[$$SELECT sqm.assess_data_incident(%s, %s, 'assessed', 'high', 'x')$$,
                    $$SELECT sqm.notify_imy(%s, %s, 'assessed', 'x')$$,
                    $$SELECT sqm.register_data_incident_action_plan(%s, %s, 'assessed', 'x', 'y')$$,
                    $$SELECT sqm.close_data_incident(%s, %s, 'assessed')$$,
                    $$SELECT sqm.add_data_incident_type(%s, 'x', 'X', 'X', '2025-01-01') -- %s$$]) q;
SELECT is((SELECT count(*) FROM information_schema.role_table_grants
            WHERE table_schema = 'sqm' AND grantee LIKE 'sqm\_%' AND privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')
              AND table_name LIKE 'data_incident%'), 0::bigint, 'no sqm role writes an incident table directly');

SELECT * FROM finish();
ROLLBACK;
