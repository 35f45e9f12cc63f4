-- The API of complaints and feedback (synpunkter och klagomål, domain.md
-- §3.3) and of their taxonomy.  As for every kind (doc/core.md, "Writing"):
-- SECURITY DEFINER with a pinned search_path; a new matter is authorised by
-- the kind's create action for its unit (sqm.authorize_create) and written
-- with its details row; every move and edit goes through the one C write path
-- (sqm.write), which authorises the caller with the capability the
-- lifecycle data names and is compare-and-set on the expected state.  The
-- rules are the row checks and the guard of complaint.c: no function here
-- checks one, so a direct writer meets the same refusal.  The registry
-- number is claimed in the organisation's registry by the trigger the
-- govern call made (23505 naming the case that holds it).
--
-- Capabilities by default (sqm.role_capability; each organisation's
-- delegation order may differ): register_complaint (every staff role)
-- registers; handle_complaint (unit managers, investigators, quality
-- coordinators) handles, answers, closes, withdraws and links; manage_taxonomy
-- (quality coordinators) keeps the subjects and the follow-up days.

-- ------------------------------------------------------------------ taxonomy

CREATE FUNCTION sqm.add_complaint_subject(org bigint, code text, label_sv text, label_en text,
                                          valid_from date, valid_until date DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.authorize(org, NULL, 'manage_taxonomy', format('change the complaint subjects of organisation %s', org));
    IF valid_from IS NULL OR (valid_until IS NOT NULL AND valid_until < valid_from) THEN
        RAISE EXCEPTION 'complaint subject "%" needs a validity with a first day on or before its last', code
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('It was given %s to %s.', coalesce(valid_from::text, 'no first day'),
                                  coalesce(valid_until::text, 'no last day')),
                  HINT = 'Give the first day it may be used on, and its last day if it has one.';
    END IF;
    INSERT INTO sqm.complaint_subject (org_id, code, label_sv, label_en, valid)
    VALUES (org, code, label_sv, label_en, daterange(valid_from, valid_until + 1));
END
$$;
COMMENT ON FUNCTION sqm.add_complaint_subject(bigint, text, text, text, date, date) IS
  'Add a subject to an organisation''s taxonomy of complaints and feedback, valid from a day (to a last day); quality coordinators';

CREATE FUNCTION sqm.end_complaint_subject(org bigint, code text, last_day date)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.authorize(org, NULL, 'manage_taxonomy', format('change the complaint subjects of organisation %s', org));
    UPDATE sqm.complaint_subject s SET valid = daterange(lower(s.valid), last_day + 1)
     WHERE s.org_id = org AND s.code = end_complaint_subject.code AND upper_inf(s.valid) AND lower(s.valid) <= last_day;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'complaint subject "%" of organisation % is not current on %', code, org, last_day
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A subject ends once, on or after its first day.',
                  HINT = 'Only a current subject can end; matters filed under it keep it.';
    END IF;
END
$$;
COMMENT ON FUNCTION sqm.end_complaint_subject(bigint, text, date) IS
  'End a subject of complaints and feedback on its last day; matters filed under it keep it';

-- The day an organisation compiles a period's report: "answered k of n" counts
-- the answers dated on or before it.
CREATE FUNCTION sqm.set_complaint_follow_up(org bigint, period sqm.period, follow_up_on date)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.authorize(org, NULL, 'manage_taxonomy', format('change the settings of organisation %s', org));
    IF period IS NULL OR follow_up_on IS NULL OR follow_up_on <= sqm.last_day(period) THEN
        RAISE EXCEPTION 'the follow-up day of % must be a day after it', coalesce(period::text, 'a period')
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('The period ends on %s; the day given is %s.',
                                  coalesce(sqm.last_day(period)::text, 'an unknown day'), coalesce(follow_up_on::text, 'none')),
                  HINT = 'Give the day the organisation compiles the period''s report, e.g. the last working day of January after the year.';
    END IF;
    INSERT INTO sqm.complaint_follow_up AS f (org_id, period, follow_up_on)
    VALUES (org, set_complaint_follow_up.period, set_complaint_follow_up.follow_up_on)
    ON CONFLICT ON CONSTRAINT complaint_follow_up_pkey DO UPDATE SET follow_up_on = EXCLUDED.follow_up_on;
END
$$;
COMMENT ON FUNCTION sqm.set_complaint_follow_up(bigint, sqm.period, date) IS
  'Set the day an organisation compiles a period''s report: complaints and feedback answered on or before it count as answered in that period''s report (default: the last day of the month after the period); quality coordinators';

-- ---------------------------------------------------------------- matters

-- Every matter is made here: registered through the API
-- (sqm.register_complaint), or from a case of another kind through the
-- constructor (sqm.complaint_from_case, called by sqm.create_linked_case).
CREATE FUNCTION sqm.complaint_create(org bigint, unit bigint, regnr sqm.regnr, complaint_kind text, sender_type text,
                                     subjects text[], summary text, sender_name text, channel text,
                                     received_at timestamptz, registered_at timestamptz, directed_at_unit boolean)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    at      timestamptz := coalesce(registered_at, sqm.now());
    new_id  bigint;
BEGIN
    -- authorisation before existence: a unit elsewhere and a missing one read alike
    PERFORM sqm.authorize_create('complaint', org, unit);
    PERFORM sqm.unit_kind_of(org, unit);
    IF summary IS NULL OR btrim(summary) = '' THEN
        RAISE EXCEPTION 'a complaint or feedback item needs a summary of what the sender says'
            USING ERRCODE = 'not_null_violation',
                  HINT = 'Write what it is about, in short, without personal data beyond what the matter needs.';
    END IF;
    PERFORM sqm.audit_set_context('api', NULL);
    INSERT INTO sqm.complaint (org_id, state, unit_id, directed_at_unit, regnr, complaint_kind, sender_type, channel,
                               subjects, received_at, registered_at)
    VALUES (org, 'registered', unit, coalesce(directed_at_unit, true), regnr, complaint_kind, sender_type,
            coalesce(channel, 'other'), subjects, coalesce(received_at, at), at)
    RETURNING id INTO new_id;
    INSERT INTO sqm.complaint_detail (org_id, id, sender_name, summary)
    VALUES (org, new_id, nullif(btrim(sender_name), ''), summary);
    PERFORM sqm.audit_clear_context();
    RETURN new_id;
END
$$;
COMMENT ON FUNCTION sqm.complaint_create(bigint, bigint, sqm.regnr, text, text, text[], text, text, text, timestamptz, timestamptz, boolean) IS
  'Internal: register a complaint or feedback item (authorising the kind''s create action for its unit) and its details row';

CREATE FUNCTION sqm.register_complaint(org bigint, unit bigint, regnr sqm.regnr, complaint_kind text, sender_type text,
                                       subjects text[], summary text, sender_name text DEFAULT NULL,
                                       channel text DEFAULT NULL, received_at timestamptz DEFAULT NULL,
                                       registered_at timestamptz DEFAULT NULL, directed_at_unit boolean DEFAULT true)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN sqm.complaint_create(org, unit, regnr, complaint_kind, sender_type, subjects, summary, sender_name, channel,
                                received_at, registered_at, directed_at_unit);
END
$$;
COMMENT ON FUNCTION sqm.register_complaint(bigint, bigint, sqm.regnr, text, text, text[], text, text, text, timestamptz, timestamptz, boolean) IS
  'Register a complaint, feedback, praise or improvement proposal from outside with its registry number (claimed in the organisation''s registry), for the unit it is directed at -- or, with directed_at_unit false, for the unit that handles a matter directed at no unit -- from a sender of a type (the name, when given, kept in the details under stricter access), about subjects of the organisation''s taxonomy; received_at defaults to the registration, registered_at to now. Returns its id';

-- The constructor other kinds call (sqm.create_linked_case): a matter a
-- deviation revealed (sqm.forward_deviation).  args: regnr (required),
-- complaint_kind (default complaint), sender_type, subjects (required),
-- summary (default the deviation's description), sender_name, channel,
-- unit (default the deviation's), directed_at_unit (default true),
-- received_at (default the deviation's report time), registered_at (default
-- now).
CREATE FUNCTION sqm.complaint_from_case(org bigint, from_kind text, from_id bigint, relation text, args jsonb)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    dev  record;
BEGIN
    IF from_kind IS DISTINCT FROM 'deviation' THEN
        RAISE EXCEPTION 'a complaint cannot come from a case of kind %', coalesce(from_kind, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A complaint or feedback item comes from outside; a deviation may reveal one.',
                  HINT = 'Register it with sqm.register_complaint(), or forward the deviation with sqm.forward_deviation().';
    END IF;
    -- create_linked_case authorised the caller for the deviation before this
    SELECT d.unit_id, d.reported_at, x.description INTO dev
      FROM sqm.deviation d JOIN sqm.deviation_detail x USING (org_id, id)
     WHERE d.org_id = org AND d.id = from_id;
    RETURN sqm.complaint_create(org,
                                coalesce((args ->> 'unit')::bigint, dev.unit_id),
                                (args ->> 'regnr')::sqm.regnr, coalesce(args ->> 'complaint_kind', 'complaint'),
                                args ->> 'sender_type',
                                ARRAY(SELECT jsonb_array_elements_text(coalesce(args -> 'subjects', '[]'))),
                                coalesce(args ->> 'summary', dev.description), args ->> 'sender_name',
                                args ->> 'channel', coalesce((args ->> 'received_at')::timestamptz, dev.reported_at),
                                (args ->> 'registered_at')::timestamptz, (args ->> 'directed_at_unit')::boolean);
END
$$;
COMMENT ON FUNCTION sqm.complaint_from_case(bigint, text, bigint, text, jsonb) IS
  'Constructor of complaints (sqm.case_constructor): a complaint or feedback item a deviation revealed (sqm.forward_deviation); args regnr, complaint_kind, sender_type, subjects (a JSON array), summary, sender_name, channel, unit, directed_at_unit, received_at, registered_at — unit, summary and received_at by default the deviation''s';

INSERT INTO sqm.case_constructor (kind, constructor, builtin) VALUES
    ('complaint', 'sqm.complaint_from_case(bigint, text, bigint, text, jsonb)', true);

CREATE FUNCTION sqm.start_complaint_handling(org bigint, id bigint, expected_state text, started_at timestamptz DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.write('complaint', org, id, expected_state, 'under_handling',
                      jsonb_build_object('handling_started_at', coalesce(started_at, sqm.now())));
END
$$;
COMMENT ON FUNCTION sqm.start_complaint_handling(bigint, bigint, text, timestamptz) IS
  'Start handling a registered complaint or feedback item (assigned to the unit or function that answers); started_at defaults to now';

CREATE FUNCTION sqm.answer_complaint(org bigint, id bigint, expected_state text, answer text, answered_by text,
                                     answered_at timestamptz DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- the answer and who gave it go to the details, before the move that requires them
    PERFORM sqm.write('complaint', org, id, expected_state, 'answered',
                      jsonb_build_object('answered_at', coalesce(answered_at, sqm.now()))
                      || jsonb_strip_nulls(jsonb_build_object('answer', nullif(btrim(answer), ''),
                                                              'answered_by', nullif(btrim(answered_by), ''))));
END
$$;
COMMENT ON FUNCTION sqm.answer_complaint(bigint, bigint, text, text, text, timestamptz) IS
  'Register the answer to a complaint or feedback item, or for an anonymous sender how it was handled: the answer, who answered (a person or a function) and its date (default now), between the registration and now';

CREATE FUNCTION sqm.close_complaint(org bigint, id bigint, expected_state text, reason text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.write('complaint', org, id, expected_state, 'closed', jsonb_build_object('closed_at', sqm.now()), reason);
END
$$;
COMMENT ON FUNCTION sqm.close_complaint(bigint, bigint, text, text) IS
  'Close a complaint or feedback item: only with a registered answer (or how it was handled), its date and who answered';

CREATE FUNCTION sqm.withdraw_complaint(org bigint, id bigint, expected_state text, reason text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.write('complaint', org, id, expected_state, 'withdrawn',
                      jsonb_build_object('withdrawn_reason', nullif(btrim(reason), '')), reason);
END
$$;
COMMENT ON FUNCTION sqm.withdraw_complaint(bigint, bigint, text, text) IS
  'Withdraw a complaint or feedback item registered by mistake (e.g. twice); the reason is required; a withdrawn matter is not counted';

-- A complaint that may be an impropriety leads to a lex Sarah report, made
-- through the constructor of the kind the relation escalated_to leads to
-- from a complaint; the complaint stays in its own lifecycle, linked.
CREATE FUNCTION sqm.escalate_complaint(org bigint, id bigint, report jsonb, reason text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    target  text;
    c       record;
BEGIN
    SELECT r.to_kind INTO target FROM sqm.case_relation r
     WHERE r.from_kind = 'complaint' AND r.relation = 'escalated_to' AND r.to_kind IS NOT NULL;
    -- authorised for the link (the relation's capability) before anything of
    -- the complaint is read
    PERFORM sqm.authorize_case(org, 'complaint', id,
                               sqm.case_relation_capability('complaint', 'escalated_to', target),
                               'link', ' as "escalated_to"');
    SELECT m.unit_id, x.summary INTO c
      FROM sqm.complaint m JOIN sqm.complaint_detail x USING (org_id, id)
     WHERE m.org_id = org AND m.id = escalate_complaint.id;
    RETURN sqm.create_linked_case(org, 'complaint', id, 'escalated_to', target,
                                  jsonb_build_object('unit', c.unit_id, 'description', c.summary)
                                  || coalesce(report, '{}'),
                                  reason);
END
$$;
COMMENT ON FUNCTION sqm.escalate_complaint(bigint, bigint, jsonb, text) IS
  'A complaint that may concern an impropriety leads to a lex Sarah report: made through the lex Sarah constructor (report: regime, happened_at, reporter_name, reporter_title, and optionally description, unit, reported_at — by default the complaint''s summary and unit) and linked (escalated_to); the complaint keeps its own lifecycle. Returns the lex Sarah report''s id';

REVOKE ALL ON FUNCTION
    sqm.add_complaint_subject(bigint, text, text, text, date, date),
    sqm.end_complaint_subject(bigint, text, date),
    sqm.set_complaint_follow_up(bigint, sqm.period, date),
    sqm.complaint_create(bigint, bigint, sqm.regnr, text, text, text[], text, text, text, timestamptz, timestamptz, boolean),
    sqm.register_complaint(bigint, bigint, sqm.regnr, text, text, text[], text, text, text, timestamptz, timestamptz, boolean),
    sqm.complaint_from_case(bigint, text, bigint, text, jsonb),
    sqm.start_complaint_handling(bigint, bigint, text, timestamptz),
    sqm.answer_complaint(bigint, bigint, text, text, text, timestamptz),
    sqm.close_complaint(bigint, bigint, text, text),
    sqm.withdraw_complaint(bigint, bigint, text, text),
    sqm.escalate_complaint(bigint, bigint, jsonb, text)
FROM PUBLIC;
SELECT sqm.grant_privilege('complaint', 'EXECUTE ON FUNCTION
    sqm.register_complaint(bigint, bigint, sqm.regnr, text, text, text[], text, text, text, timestamptz, timestamptz, boolean)',
    '{reporter,handlers}');
SELECT sqm.grant_privilege('complaint', 'EXECUTE ON FUNCTION
    sqm.start_complaint_handling(bigint, bigint, text, timestamptz),
    sqm.answer_complaint(bigint, bigint, text, text, text, timestamptz),
    sqm.close_complaint(bigint, bigint, text, text), sqm.withdraw_complaint(bigint, bigint, text, text),
    sqm.escalate_complaint(bigint, bigint, jsonb, text)', '{handlers}');
SELECT sqm.grant_privilege('complaint', 'EXECUTE ON FUNCTION sqm.add_complaint_subject(bigint, text, text, text, date, date),
    sqm.end_complaint_subject(bigint, text, date), sqm.set_complaint_follow_up(bigint, sqm.period, date)',
    '{quality_coordinator}');
