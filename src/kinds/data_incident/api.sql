-- The API of personal data incidents (domain.md §3.4) and of their taxonomy.
-- As for every kind (doc/core.md, "Writing"): SECURITY DEFINER with a pinned
-- search_path; a new incident is authorised by the kind's create action for
-- its unit (sqm.authorize_create) and written with its details row; every
-- move and edit goes through the one C write path (sqm.write), which
-- authorises the caller with the capabilities the lifecycle data names --
-- assess_data_incident for any write of the risk, notify_imy for any write
-- of the notification's time -- and is compare-and-set on the expected
-- state.  The rules are the row checks and guards of data_incident.c: no
-- function here checks one, so a direct writer meets the same refusal.
--
-- Capabilities by default (sqm.role_capability): report_data_incident (every
-- staff role) reports; handle_data_incident (unit managers, investigators,
-- quality coordinators) records the recovery, the informing of the people
-- concerned and the action plan, and closes; assess_data_incident and
-- notify_imy (quality coordinators, standing in for the data protection
-- function) assess the risk and notify IMY; manage_taxonomy keeps the types.

-- ------------------------------------------------------------------ taxonomy

CREATE FUNCTION sqm.add_data_incident_type(org bigint, code text, label_sv text, label_en text,
                                           valid_from date, valid_until date DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.authorize(org, NULL, 'manage_taxonomy', format('change the data incident types of organisation %s', org));
    IF valid_from IS NULL OR (valid_until IS NOT NULL AND valid_until < valid_from) THEN
        RAISE EXCEPTION 'data incident type "%" needs a validity with a first day on or before its last', code
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('It was given %s to %s.', coalesce(valid_from::text, 'no first day'),
                                  coalesce(valid_until::text, 'no last day')),
                  HINT = 'Give the first day it may be used on, and its last day if it has one.';
    END IF;
    INSERT INTO sqm.data_incident_type (org_id, code, label_sv, label_en, valid)
    VALUES (org, code, label_sv, label_en, daterange(valid_from, valid_until + 1));
END
$$;
COMMENT ON FUNCTION sqm.add_data_incident_type(bigint, text, text, text, date, date) IS
  'Add a type to an organisation''s taxonomy of personal data incidents, valid from a day (to a last day); quality coordinators';

CREATE FUNCTION sqm.end_data_incident_type(org bigint, code text, last_day date)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.authorize(org, NULL, 'manage_taxonomy', format('change the data incident types of organisation %s', org));
    UPDATE sqm.data_incident_type t SET valid = daterange(lower(t.valid), last_day + 1)
     WHERE t.org_id = org AND t.code = end_data_incident_type.code AND upper_inf(t.valid) AND lower(t.valid) <= last_day;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'data incident type "%" of organisation % is not current on %', code, org, last_day
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A type ends once, on or after its first day.',
                  HINT = 'Only a current type can end; incidents of it keep it.';
    END IF;
END
$$;
COMMENT ON FUNCTION sqm.end_data_incident_type(bigint, text, date) IS
  'End a type of personal data incidents on its last day; incidents of it keep it';

-- ---------------------------------------------------------------- incidents

-- Every incident is made here: reported through the API
-- (sqm.report_data_incident), or from a deviation that revealed it through
-- the constructor (sqm.data_incident_from_case, called by
-- sqm.create_linked_case).
CREATE FUNCTION sqm.data_incident_create(org bigint, unit bigint, incident_type text, cause text, happened_at timestamptz,
                                         aware_at timestamptz, description text, data_categories text[],
                                         data_subject_categories text[], data_subjects_count integer, regnr sqm.regnr,
                                         registered_at timestamptz, recovered_at timestamptz)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    at      timestamptz := coalesce(registered_at, sqm.now());
    new_id  bigint;
BEGIN
    -- authorisation before existence: a unit elsewhere and a missing one read alike
    PERFORM sqm.authorize_create('data_incident', org, unit);
    PERFORM sqm.unit_kind_of(org, unit);
    IF description IS NULL OR btrim(description) = '' THEN
        RAISE EXCEPTION 'a personal data incident needs a description of what happened'
            USING ERRCODE = 'not_null_violation',
                  HINT = 'Describe the breach without the names of the people concerned: they are categories and counts.';
    END IF;
    PERFORM sqm.audit_set_context('api', NULL);
    INSERT INTO sqm.data_incident (org_id, state, unit_id, regnr, incident_type, cause, happened_at, aware_at, registered_at,
                                   data_categories, data_subject_categories, data_subjects_count, recovered_at)
    VALUES (org, 'reported', unit, regnr, incident_type, cause, happened_at, coalesce(aware_at, at), at,
            data_categories, data_subject_categories, data_subjects_count, recovered_at)
    RETURNING id INTO new_id;
    INSERT INTO sqm.data_incident_detail (org_id, id, reported_by, description)
    VALUES (org, new_id, sqm.caller_identity(), description);
    PERFORM sqm.audit_clear_context();
    RETURN new_id;
END
$$;
COMMENT ON FUNCTION sqm.data_incident_create(bigint, bigint, text, text, timestamptz, timestamptz, text, text[], text[], integer, sqm.regnr, timestamptz, timestamptz) IS
  'Internal: report a personal data incident (authorising the kind''s create action for its unit) and its details row';

CREATE FUNCTION sqm.report_data_incident(org bigint, unit bigint, incident_type text, cause text, happened_at timestamptz,
                                         aware_at timestamptz, description text, data_categories text[],
                                         data_subject_categories text[], data_subjects_count integer DEFAULT NULL,
                                         regnr sqm.regnr DEFAULT NULL, registered_at timestamptz DEFAULT NULL,
                                         recovered_at timestamptz DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN sqm.data_incident_create(org, unit, incident_type, cause, happened_at, aware_at, description, data_categories,
                                    data_subject_categories, data_subjects_count, regnr, registered_at, recovered_at);
END
$$;
COMMENT ON FUNCTION sqm.report_data_incident(bigint, bigint, text, text, timestamptz, timestamptz, text, text[], text[], integer, sqm.regnr, timestamptz, timestamptz) IS
  'Report a personal data incident of the unit where it happened: its type and cause, when it happened and when the organisation became aware of it (the 72-hour IMY clock starts there; NULL: at the registration), what happened, the data and the people concerned as categories and a count (no names), its registry number if it has one (claimed in the organisation''s registry), when it was registered (default now) and, for a lost document or device, when it was found again. Returns its id';

-- The constructor other kinds call (sqm.create_linked_case): an incident a
-- deviation revealed (sqm.forward_deviation).  The organisation knew of it
-- when the deviation was reported, so the awareness time -- which starts the
-- 72-hour clock of IMY -- is the deviation's report time unless an earlier
-- one is given; a later one is refused (22023).  args: incident_type, cause,
-- data_categories, data_subject_categories (JSON arrays), and optionally
-- data_subjects_count, aware_at, happened_at (default the deviation's),
-- description (default the deviation's), unit (default the deviation's),
-- regnr, registered_at (default now), recovered_at.
CREATE FUNCTION sqm.data_incident_from_case(org bigint, from_kind text, from_id bigint, relation text, args jsonb)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    dev    record;
    aware  timestamptz;
BEGIN
    IF from_kind IS DISTINCT FROM 'deviation' THEN
        RAISE EXCEPTION 'a personal data incident cannot come from a case of kind %', coalesce(from_kind, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A personal data incident is reported by staff, or revealed by a deviation.',
                  HINT = 'Report it with sqm.report_data_incident(), or forward the deviation with sqm.forward_deviation().';
    END IF;
    -- create_linked_case authorised the caller for the deviation before this
    SELECT d.unit_id, d.happened_at, d.reported_at, x.description INTO dev
      FROM sqm.deviation d JOIN sqm.deviation_detail x USING (org_id, id)
     WHERE d.org_id = org AND d.id = from_id;
    aware := coalesce((args ->> 'aware_at')::timestamptz, dev.reported_at);
    IF aware > dev.reported_at THEN
        RAISE EXCEPTION 'a personal data incident revealed by deviation % cannot have become known at %, after the deviation was reported',
                        from_id, aware
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('Deviation %s was reported at %s: the organisation knew of the incident then.', from_id, dev.reported_at),
                  HINT = 'Leave aware_at out (the deviation''s report time is taken), or give an earlier time.';
    END IF;
    RETURN sqm.data_incident_create(org, coalesce((args ->> 'unit')::bigint, dev.unit_id), args ->> 'incident_type',
                                    args ->> 'cause', coalesce((args ->> 'happened_at')::timestamptz, least(dev.happened_at, aware)),
                                    aware, coalesce(args ->> 'description', dev.description),
                                    ARRAY(SELECT jsonb_array_elements_text(coalesce(args -> 'data_categories', '[]'))),
                                    ARRAY(SELECT jsonb_array_elements_text(coalesce(args -> 'data_subject_categories', '[]'))),
                                    (args ->> 'data_subjects_count')::integer, (args ->> 'regnr')::sqm.regnr,
                                    (args ->> 'registered_at')::timestamptz, (args ->> 'recovered_at')::timestamptz);
END
$$;
COMMENT ON FUNCTION sqm.data_incident_from_case(bigint, text, bigint, text, jsonb) IS
  'Constructor of personal data incidents (sqm.case_constructor): an incident a deviation revealed (sqm.forward_deviation), aware when the deviation was reported unless an earlier time is given (a later one is refused); args incident_type, cause, data_categories, data_subject_categories, data_subjects_count, aware_at, happened_at, description, unit, regnr, registered_at, recovered_at';

INSERT INTO sqm.case_constructor (kind, constructor, builtin) VALUES
    ('data_incident', 'sqm.data_incident_from_case(bigint, text, bigint, text, jsonb)', true);

CREATE FUNCTION sqm.register_data_incident(org bigint, id bigint, expected_state text, regnr sqm.regnr)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.write('data_incident', org, id, expected_state, expected_state, jsonb_build_object('regnr', regnr));
END
$$;
COMMENT ON FUNCTION sqm.register_data_incident(bigint, bigint, text, sqm.regnr) IS
  'Give a personal data incident reported without one its registry number (claimed in the organisation''s registry; a registered number never changes)';

CREATE FUNCTION sqm.record_data_incident_recovery(org bigint, id bigint, expected_state text, recovered_at timestamptz DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.write('data_incident', org, id, expected_state, expected_state,
                      jsonb_build_object('recovered_at', coalesce(recovered_at, sqm.now())));
END
$$;
COMMENT ON FUNCTION sqm.record_data_incident_recovery(bigint, bigint, text, timestamptz) IS
  'Record when a lost document or device of a personal data incident was found again (default now)';

-- The risk assessment: from reported to assessed, or a reassessment of an
-- assessed incident.  Writing the risk needs assess_data_incident (the
-- column's edit action), whichever move carries it.
CREATE FUNCTION sqm.assess_data_incident(org bigint, id bigint, expected_state text, risk text, justification text,
                                         assessed_by text DEFAULT NULL, assessed_at timestamptz DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.write('data_incident', org, id, expected_state,
                      CASE WHEN expected_state = 'reported' THEN 'assessed' ELSE expected_state END,
                      jsonb_build_object('risk', risk, 'assessed_at', coalesce(assessed_at, sqm.now()),
                                         'assessed_by', coalesce(nullif(btrim(assessed_by), ''), sqm.caller_identity()))
                      || jsonb_strip_nulls(jsonb_build_object('risk_justification', nullif(btrim(justification), ''))));
END
$$;
COMMENT ON FUNCTION sqm.assess_data_incident(bigint, bigint, text, text, text, text, timestamptz) IS
  'Assess the risk a personal data incident means for the people concerned -- unlikely (to result in a risk), risk or high -- with its justification and who made it (default the caller), moving a reported incident to assessed or reassessing an assessed one; needs assess_data_incident';

CREATE FUNCTION sqm.notify_imy(org bigint, id bigint, expected_state text, imy_reference text,
                               notified_at timestamptz DEFAULT NULL, late_reason text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- IMY's reference and the reasons for a delay go to the details, before
    -- the move whose row check reads them
    PERFORM sqm.write('data_incident', org, id, expected_state, 'notified',
                      jsonb_build_object('imy_notified_at', coalesce(notified_at, sqm.now()))
                      || jsonb_strip_nulls(jsonb_build_object('imy_reference', nullif(btrim(imy_reference), ''),
                                                              'imy_late_reason', nullif(btrim(late_reason), ''))));
END
$$;
COMMENT ON FUNCTION sqm.notify_imy(bigint, bigint, text, text, timestamptz, text) IS
  'Record the notification of a personal data incident to IMY: its time (default now; the 72 hours of GDPR art. 33(1) are counted to it, not to this call) and IMY''s reference; a notification more than 72 real hours after awareness needs the reasons for the delay; never for an incident assessed unlikely to result in a risk; needs notify_imy';

CREATE FUNCTION sqm.inform_data_subjects(org bigint, id bigint, expected_state text, informed_at timestamptz DEFAULT NULL,
                                         exception text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.write('data_incident', org, id, expected_state, 'informed',
                      jsonb_build_object('informed_at', coalesce(informed_at, sqm.now()),
                                         'informing', CASE WHEN nullif(btrim(exception), '') IS NULL THEN 'informed' ELSE 'exception' END)
                      || jsonb_strip_nulls(jsonb_build_object('informing_exception', nullif(btrim(exception), ''))));
END
$$;
COMMENT ON FUNCTION sqm.inform_data_subjects(bigint, bigint, text, timestamptz, text) IS
  'Record that the people concerned by a personal data incident with a high risk were told (GDPR art. 34(1)), or -- given an exception -- the exception of art. 34(3) that applies instead, and when (default now)';

CREATE FUNCTION sqm.register_data_incident_action_plan(org bigint, id bigint, expected_state text, plan text,
                                                       responsible text, planned_at timestamptz DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.write('data_incident', org, id, expected_state, 'action_planned',
                      jsonb_build_object('action_plan_at', coalesce(planned_at, sqm.now()))
                      || jsonb_strip_nulls(jsonb_build_object('action_plan', nullif(btrim(plan), ''),
                                                              'action_plan_responsible', nullif(btrim(responsible), ''))));
END
$$;
COMMENT ON FUNCTION sqm.register_data_incident_action_plan(bigint, bigint, text, text, text, timestamptz) IS
  'Register the action plan of a personal data incident: what is done so that it does not happen again, who is responsible, and when it was registered (default now); its measures are measures of the incident (sqm.plan_measure). Only once IMY was notified unless the risk is unlikely, and the people concerned told (or an exception recorded) when it is high';

CREATE FUNCTION sqm.close_data_incident(org bigint, id bigint, expected_state text, reason text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.write('data_incident', org, id, expected_state, 'closed', jsonb_build_object('closed_at', sqm.now()), reason);
END
$$;
COMMENT ON FUNCTION sqm.close_data_incident(bigint, bigint, text, text) IS
  'Close a personal data incident: only assessed, with its action plan registered, IMY notified unless the risk is unlikely and the people concerned told (or an exception recorded) when it is high';

REVOKE ALL ON FUNCTION
    sqm.add_data_incident_type(bigint, text, text, text, date, date),
    sqm.end_data_incident_type(bigint, text, date),
    sqm.data_incident_create(bigint, bigint, text, text, timestamptz, timestamptz, text, text[], text[], integer, sqm.regnr, timestamptz, timestamptz),
    sqm.report_data_incident(bigint, bigint, text, text, timestamptz, timestamptz, text, text[], text[], integer, sqm.regnr, timestamptz, timestamptz),
    sqm.data_incident_from_case(bigint, text, bigint, text, jsonb),
    sqm.register_data_incident(bigint, bigint, text, sqm.regnr),
    sqm.record_data_incident_recovery(bigint, bigint, text, timestamptz),
    sqm.assess_data_incident(bigint, bigint, text, text, text, text, timestamptz),
    sqm.notify_imy(bigint, bigint, text, text, timestamptz, text),
    sqm.inform_data_subjects(bigint, bigint, text, timestamptz, text),
    sqm.register_data_incident_action_plan(bigint, bigint, text, text, text, timestamptz),
    sqm.close_data_incident(bigint, bigint, text, text)
FROM PUBLIC;
SELECT sqm.grant_privilege('data_incident', 'EXECUTE ON FUNCTION
    sqm.report_data_incident(bigint, bigint, text, text, timestamptz, timestamptz, text, text[], text[], integer, sqm.regnr, timestamptz, timestamptz)',
    '{reporter,handlers}');
SELECT sqm.grant_privilege('data_incident', 'EXECUTE ON FUNCTION
    sqm.register_data_incident(bigint, bigint, text, sqm.regnr),
    sqm.record_data_incident_recovery(bigint, bigint, text, timestamptz),
    sqm.assess_data_incident(bigint, bigint, text, text, text, text, timestamptz),
    sqm.notify_imy(bigint, bigint, text, text, timestamptz, text),
    sqm.inform_data_subjects(bigint, bigint, text, timestamptz, text),
    sqm.register_data_incident_action_plan(bigint, bigint, text, text, text, timestamptz),
    sqm.close_data_incident(bigint, bigint, text, text)', '{handlers}');
SELECT sqm.grant_privilege('data_incident', 'EXECUTE ON FUNCTION sqm.add_data_incident_type(bigint, text, text, text, date, date),
    sqm.end_data_incident_type(bigint, text, date)', '{quality_coordinator}');
