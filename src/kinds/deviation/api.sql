-- The API of deviations and of the deviation taxonomy.  Every function is
-- SECURITY DEFINER with a pinned search_path and goes through the core write
-- path (sqm.write, src/core/write.c): authorisation first -- with the
-- capability the lifecycle data names, never one written here -- then a
-- compare-and-set write the lifecycle engine and the audit trail see.  What
-- people write, and who reported, goes to sqm.deviation_detail: when a
-- deviation is reported, right after the deviation; when it moves, in the
-- same write, first.  The rules of a deviation's content and moves live in
-- the row checks and guards (deviation.c), for every writer: an API function
-- checks no rule itself, so a direct writer meets the same refusal.

-- ------------------------------------------------------------------ taxonomy

CREATE FUNCTION sqm.add_deviation_type(org bigint, code text, label_sv text, label_en text,
                                       valid_from date, valid_until date DEFAULT NULL, regime text DEFAULT 'SoL')
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.authorize(org, NULL, 'manage_taxonomy', format('change the deviation types of organisation %s', org));
    IF valid_from IS NULL OR (valid_until IS NOT NULL AND valid_until < valid_from) THEN
        RAISE EXCEPTION 'deviation type "%" needs a validity with a first day on or before its last', code
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO sqm.deviation_type (org_id, code, regime, label_sv, label_en, valid)
    VALUES (org, code, regime, label_sv, label_en, daterange(valid_from, valid_until + 1));
END
$$;
COMMENT ON FUNCTION sqm.add_deviation_type(bigint, text, text, text, date, date, text) IS
  'Add a deviation type to an organisation''s taxonomy, valid from a day (to a last day); quality coordinators';

CREATE FUNCTION sqm.end_deviation_type(org bigint, code text, last_day date)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.authorize(org, NULL, 'manage_taxonomy', format('change the deviation types of organisation %s', org));
    UPDATE sqm.deviation_type t SET valid = daterange(lower(t.valid), last_day + 1)
     WHERE t.org_id = org AND t.code = end_deviation_type.code AND upper_inf(t.valid) AND lower(t.valid) <= last_day;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'deviation type "%" of organisation % is not current on %', code, org, last_day
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Only a current type can end, on or after its first day; old reports keep it.';
    END IF;
END
$$;
COMMENT ON FUNCTION sqm.end_deviation_type(bigint, text, date) IS
  'End a deviation type on its last day; reports that carry it keep it';

-- ---------------------------------------------------------------- deviations

CREATE FUNCTION sqm.report_deviation(org bigint, unit bigint, regime text, happened_at timestamptz,
                                     description text, types text[],
                                     reported_at timestamptz DEFAULT NULL,
                                     collab_direction text DEFAULT NULL, collab_counterpart text DEFAULT NULL,
                                     collab_reply_due date DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    at  timestamptz := coalesce(reported_at, sqm.now());
    due date := collab_reply_due;
    new_id bigint;
BEGIN
    -- authorisation before existence: a unit elsewhere and a missing one read alike
    PERFORM sqm.authorize_create('deviation', org, unit);
    PERFORM sqm.unit_kind_of(org, unit);
    IF regime = 'collaboration' AND due IS NULL THEN
        -- the regional agreement's default: the receiver answers within 60 days
        SELECT (at AT TIME ZONE o.time_zone)::date + 60 INTO due FROM sqm.organisation o WHERE o.org_id = org;
    END IF;
    PERFORM sqm.audit_set_context('api', NULL);
    INSERT INTO sqm.deviation (org_id, state, unit_id, regime, happened_at, reported_at, types,
                               collab_direction, collab_counterpart, collab_reply_due)
    VALUES (org, 'reported', unit, regime, happened_at, at, types, collab_direction, collab_counterpart, due)
    RETURNING id INTO new_id;
    INSERT INTO sqm.deviation_detail (org_id, id, reported_by, description)
    VALUES (org, new_id, sqm.caller_identity(), description);
    PERFORM sqm.audit_clear_context();
    RETURN new_id;
END
$$;
COMMENT ON FUNCTION sqm.report_deviation(bigint, bigint, text, timestamptz, text, text[], timestamptz, text, text, date) IS
  'Report a deviation for the unit where it happened (regime SoL, LSS, HSL or collaboration with direction, counterpart and reply due date — 60 days by default); returns its id';


CREATE FUNCTION sqm.triage_deviation(org bigint, id bigint, expected_state text, severity text, reason text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.write('deviation', org, id, expected_state, 'triaged',
                      jsonb_build_object('severity', severity, 'triaged_at', sqm.now()), reason);
END
$$;
COMMENT ON FUNCTION sqm.triage_deviation(bigint, bigint, text, text, text) IS
  'Triage a reported deviation: the designated function''s initial assessment of severity (low, moderate, high)';

CREATE FUNCTION sqm.record_deviation_summary(org bigint, id bigint, expected_state text, summary text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- the details check refuses an empty summary and one outside the
    -- investigation (deviation.c); no summary is an empty one.
    -- investigated_at is when the first summary was recorded: read it once authorised
    PERFORM sqm.authorize_write('deviation', org, id, expected_state, expected_state);
    PERFORM sqm.write('deviation', org, id, expected_state, expected_state,
                      jsonb_build_object('summary', coalesce(summary, ''))
                      || CASE WHEN (SELECT d.investigated_at FROM sqm.deviation d
                                     WHERE d.org_id = org AND d.id = record_deviation_summary.id) IS NULL
                              THEN jsonb_build_object('investigated_at', sqm.now()) ELSE '{}' END);
END
$$;
COMMENT ON FUNCTION sqm.record_deviation_summary(bigint, bigint, text, text) IS
  'Record (or revise) the written investigation summary of a deviation under investigation';

CREATE FUNCTION sqm.withdraw_deviation(org bigint, id bigint, expected_state text, reason text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.write('deviation', org, id, expected_state, 'withdrawn',
                      jsonb_build_object('withdrawn_reason', nullif(btrim(reason), '')), reason);
END
$$;
COMMENT ON FUNCTION sqm.withdraw_deviation(bigint, bigint, text, text) IS
  'Withdraw a deviation reported by mistake; the reason is required';

CREATE FUNCTION sqm.reclassify_deviation(org bigint, id bigint, expected_state text, replaced_by bigint,
                                         reason text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- the link first: the guard of the move asks for it
    PERFORM sqm.link_cases(org, 'deviation', id, 'reclassified_to', 'deviation', replaced_by, reason);
    PERFORM sqm.write('deviation', org, id, expected_state, 'reclassified', '{}', reason);
END
$$;
COMMENT ON FUNCTION sqm.reclassify_deviation(bigint, bigint, text, bigint, text) IS
  'Reclassify a deviation that was really one of another regime (an HSL or collaboration deviation): link it (reclassified_to) to the deviation reported under the right regime, which replaces it; the deviation ends as reclassified and is no longer counted';

-- Escalation to lex Sarah creates the lex Sarah report through the
-- constructor of the kind that accepts escalated deviations (the to_kind of
-- the relation escalated_to in sqm.case_relation), links it and moves the
-- deviation, in one transaction.
CREATE FUNCTION sqm.escalate_deviation(org bigint, id bigint, expected_state text, report jsonb,
                                       reason text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    target  text;
    dev     record;
    new_id  bigint;
BEGIN
    SELECT r.to_kind INTO target FROM sqm.case_relation r
     WHERE r.from_kind = 'deviation' AND r.relation = 'escalated_to' AND r.to_kind IS NOT NULL;
    IF target IS NULL THEN
        RAISE EXCEPTION 'deviation % cannot be escalated: no kind accepts escalated deviations', id
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'The lex Sarah kind declares the relation escalated_to in sqm.case_relation.';
    END IF;
    -- authorised for the move (and, by sqm.create_linked_case, for the link)
    -- before anything of the deviation is read
    PERFORM sqm.authorize_write('deviation', org, id, expected_state, 'escalated');
    -- what the new report takes from the deviation unless the caller says otherwise
    SELECT d.unit_id, d.happened_at, d.regime, x.description INTO dev
      FROM sqm.deviation d JOIN sqm.deviation_detail x USING (org_id, id)
     WHERE d.org_id = org AND d.id = escalate_deviation.id;
    new_id := sqm.create_linked_case(org, 'deviation', id, 'escalated_to', target,
                                     jsonb_build_object('unit', dev.unit_id, 'happened_at', dev.happened_at,
                                                        'regime', dev.regime, 'description', dev.description)
                                     || coalesce(report, '{}'),
                                     reason);
    PERFORM sqm.write('deviation', org, id, expected_state, 'escalated', jsonb_build_object('escalated_at', sqm.now()), reason);
    RETURN new_id;
END
$$;
COMMENT ON FUNCTION sqm.escalate_deviation(bigint, bigint, text, jsonb, text) IS
  'Escalate a deviation to lex Sarah: creates the lex Sarah report (report: reporter_name and reporter_title, and optionally regime, description, happened_at, reported_at, unit — by default the deviation''s), links it (escalated_to) and moves the deviation to escalated; it stays a deviation for statistics. Returns the lex Sarah report''s id';

-- A deviation that reveals a matter of another kind (a personal data
-- incident, a complaint) stays a deviation; the other case is created through
-- its kind's constructor and linked (forwarded_to).
CREATE FUNCTION sqm.forward_deviation(org bigint, id bigint, to_kind text, args jsonb DEFAULT '{}',
                                      reason text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN sqm.create_linked_case(org, 'deviation', id, 'forwarded_to', to_kind, args, reason);
END
$$;
COMMENT ON FUNCTION sqm.forward_deviation(bigint, bigint, text, jsonb, text) IS
  'Forward a deviation that also concerns a matter of another kind (a personal data incident, a complaint): creates that case through its kind''s constructor with args and links it (forwarded_to); the deviation keeps its own lifecycle and statistics. Returns the new case''s id';

CREATE FUNCTION sqm.close_deviation(org bigint, id bigint, expected_state text, no_measure_reason text DEFAULT NULL,
                                    reason text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.write('deviation', org, id, expected_state, 'closed',
                      jsonb_build_object('closed_at', sqm.now())
                      || jsonb_strip_nulls(jsonb_build_object('no_measure_reason', nullif(btrim(no_measure_reason), ''))),
                      reason);
END
$$;
COMMENT ON FUNCTION sqm.close_deviation(bigint, bigint, text, text, text) IS
  'Close a deviation: needs its investigation summary, every linked measure carried out and evaluated or cancelled with a reason, at least one evaluated or the reason why no measure is needed, and after each measure that had no effect a new measure or a reason why none (sqm.record_no_new_measure)';

-- A measure evaluated as having no effect calls for a new measure
-- (domain.md §3.7); when the organisation decides that none is needed, it
-- says why, in the deviation's details (no_new_measure_reason), and the
-- closure guard accepts it.
CREATE FUNCTION sqm.record_no_new_measure(org bigint, id bigint, expected_state text, reason text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- an edit of the details; writing no_new_measure_reason needs the
    -- capability its edit action names (close), besides the edit's
    PERFORM sqm.write('deviation', org, id, expected_state, expected_state,
                      jsonb_build_object('no_new_measure_reason', coalesce(reason, '')), reason);
END
$$;
COMMENT ON FUNCTION sqm.record_no_new_measure(bigint, bigint, text, text) IS
  'Record why no new measure follows a measure of the deviation that was evaluated as having no effect (an edit of its details; the reason is required and goes to the audit trail); without it, or a new measure, the deviation does not close';

CREATE FUNCTION sqm.record_collaboration_reply(org bigint, id bigint, expected_state text, replied_at timestamptz DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- the row check (deviation.c) refuses a reply to anything but a sent
    -- collaboration deviation, and one outside its report and now
    PERFORM sqm.write('deviation', org, id, expected_state, expected_state, jsonb_build_object('collab_replied_at', coalesce(replied_at, sqm.now())));
END
$$;
COMMENT ON FUNCTION sqm.record_collaboration_reply(bigint, bigint, text, timestamptz) IS
  'Record when the receiving organisation replied to a sent collaboration deviation (default now); an edit, compare-and-set on the expected state; stops the collaboration_reply deadline';


REVOKE ALL ON FUNCTION
    sqm.add_deviation_type(bigint, text, text, text, date, date, text), sqm.end_deviation_type(bigint, text, date),
    sqm.report_deviation(bigint, bigint, text, timestamptz, text, text[], timestamptz, text, text, date),
    sqm.triage_deviation(bigint, bigint, text, text, text), sqm.record_deviation_summary(bigint, bigint, text, text),
    sqm.withdraw_deviation(bigint, bigint, text, text), sqm.reclassify_deviation(bigint, bigint, text, bigint, text),
    sqm.escalate_deviation(bigint, bigint, text, jsonb, text), sqm.forward_deviation(bigint, bigint, text, jsonb, text), sqm.close_deviation(bigint, bigint, text, text, text),
    sqm.record_collaboration_reply(bigint, bigint, text, timestamptz), sqm.record_no_new_measure(bigint, bigint, text, text)
FROM PUBLIC;
SELECT sqm.grant_privilege('deviation',
    'EXECUTE ON FUNCTION sqm.report_deviation(bigint, bigint, text, timestamptz, text, text[], timestamptz, text, text, date)',
    '{reporter,handlers}');
SELECT sqm.grant_privilege('deviation', 'EXECUTE ON FUNCTION
    sqm.triage_deviation(bigint, bigint, text, text, text), sqm.record_deviation_summary(bigint, bigint, text, text),
    sqm.withdraw_deviation(bigint, bigint, text, text), sqm.reclassify_deviation(bigint, bigint, text, bigint, text),
    sqm.escalate_deviation(bigint, bigint, text, jsonb, text), sqm.forward_deviation(bigint, bigint, text, jsonb, text), sqm.close_deviation(bigint, bigint, text, text, text),
    sqm.record_collaboration_reply(bigint, bigint, text, timestamptz), sqm.record_no_new_measure(bigint, bigint, text, text)', '{handlers}');
SELECT sqm.grant_privilege('deviation', 'EXECUTE ON FUNCTION sqm.add_deviation_type(bigint, text, text, text, date, date, text),
    sqm.end_deviation_type(bigint, text, date)', '{quality_coordinator}');
