-- The API of deviations, measures and the deviation taxonomy.
--
-- Every function is SECURITY DEFINER with a pinned search_path: it runs as the
-- extension owner (so it can write the governed tables, which no granted role
-- can) and checks the caller's authorisation itself (sqm.authorize).  Moves
-- are compare-and-set: the caller names the state it expects to leave; if the
-- object is elsewhere the call fails with SQ003 and changes nothing.  The
-- lifecycle engine and the audit trail see every write.

-- Shared by the functions below: the object's unit and state, and its kind's
-- table and label, after checking that it exists and that the caller may do
-- this to it.
CREATE FUNCTION sqm.governed_object(kind text, org bigint, id bigint, capability text, action text,
                                    OUT unit_id bigint, OUT state text, OUT tbl regclass, OUT label text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    SELECT k.governed_table, k.label_en INTO tbl, label FROM sqm.lifecycle_kind k WHERE k.kind = governed_object.kind;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown kind of object "%"', kind
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = format('Known kinds: %s.', (SELECT string_agg(k.kind, ', ' ORDER BY k.kind) FROM sqm.lifecycle_kind k));
    END IF;
    EXECUTE format('SELECT unit_id, state FROM %s WHERE org_id OPERATOR(pg_catalog.=) $1 AND id OPERATOR(pg_catalog.=) $2', tbl)
       INTO unit_id, state USING org, id;
    IF state IS NULL THEN
        RAISE EXCEPTION '% % does not exist in organisation %', label, id, org
            USING ERRCODE = 'undefined_object';
    END IF;
    PERFORM sqm.authorize(org, unit_id, capability, format('%s %s %s', action, label, id));
END
$$;
COMMENT ON FUNCTION sqm.governed_object(text, bigint, bigint, text, text) IS
  'The unit and state of a governed object, and its kind''s table and label, after checking it exists (42704) and the caller has the capability (42501)';

-- Compare-and-set write of a governed object: from the state the caller
-- expects to new_state (the same state for an edit), setting the columns named
-- in changes (a jsonb object; values as their text), with a reason for the
-- audit trail.  Checks existence and the capability first; if the object is
-- not in the expected state the call fails with SQ003 and changes nothing.
-- The lifecycle engine still checks the move, its requirements and guard.
CREATE FUNCTION sqm.write_object(kind text, org bigint, id bigint, expected_state text, new_state text,
                                 capability text, action text, changes jsonb DEFAULT '{}', reason text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cur     record;
    cols    text;
    written bigint;
BEGIN
    SELECT * INTO cur FROM sqm.governed_object(kind, org, id, capability, action);
    SELECT string_agg(quote_ident(c), ', ' ORDER BY c) INTO cols FROM jsonb_object_keys(changes) c;
    PERFORM set_config('sqm.reason', coalesce(reason, ''), true);
    EXECUTE format('UPDATE %s t SET state = $1%s
                     WHERE t.org_id OPERATOR(pg_catalog.=) $2 AND t.id OPERATOR(pg_catalog.=) $3
                       AND t.state OPERATOR(pg_catalog.=) $4',
                   cur.tbl, CASE WHEN cols IS NULL THEN ''
                             ELSE format(', (%s) = (SELECT %s FROM pg_catalog.jsonb_populate_record(NULL::%s, $5) r)',
                                         cols, (SELECT string_agg('r.' || quote_ident(c), ', ' ORDER BY c)
                                                  FROM jsonb_object_keys(changes) c), cur.tbl) END)
       USING new_state, org, id, expected_state, changes;
    GET DIAGNOSTICS written = ROW_COUNT;
    PERFORM set_config('sqm.reason', '', true);
    IF written = 0 THEN
        RAISE EXCEPTION '% % is not in state "%"', cur.label, id, expected_state
            USING ERRCODE = 'SQ003',
                  DETAIL = format('It is in state "%s".', cur.state),
                  HINT = 'Reload the object and try again.';
    END IF;
END
$$;
COMMENT ON FUNCTION sqm.write_object(text, bigint, bigint, text, text, text, text, jsonb, text) IS
  'Compare-and-set write of a governed object: from the expected state to a new one (or the same, for an edit), setting the columns in changes; 42704, 42501, SQ003 as for every API call';

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
    PERFORM sqm.unit_kind_of(org, unit);
    PERFORM sqm.authorize(org, unit, 'report', format('report a deviation for unit %s', unit));
    IF at > sqm.now() THEN
        RAISE EXCEPTION 'a deviation cannot be reported at %, which is in the future', at
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('It is now %s.', sqm.now());
    END IF;
    IF happened_at IS NULL OR happened_at > at THEN
        RAISE EXCEPTION 'a deviation reported at % cannot have happened at %', at, coalesce(happened_at::text, 'an unknown time')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give when it happened, at or before the report.';
    END IF;
    IF regime = 'collaboration' AND due IS NULL THEN
        -- the regional agreement's default: the receiver answers within 60 days
        SELECT (at AT TIME ZONE o.time_zone)::date + 60 INTO due FROM sqm.organisation o WHERE o.org_id = org;
    END IF;
    INSERT INTO sqm.deviation (org_id, state, unit_id, regime, happened_at, reported_at, reported_by,
                               description, types, collab_direction, collab_counterpart, collab_reply_due)
    VALUES (org, 'reported', unit, regime, happened_at, at, sqm.caller_identity(), description, types,
            collab_direction, collab_counterpart, due)
    RETURNING id INTO new_id;
    RETURN new_id;
END
$$;
COMMENT ON FUNCTION sqm.report_deviation(bigint, bigint, text, timestamptz, text, text[], timestamptz, text, text, date) IS
  'Report a deviation for the unit where it happened (regime SoL, LSS, HSL or collaboration with direction, counterpart and reply due date — 60 days by default); returns its id';

-- Moves a deviation or measure that carries no data of its own (e.g. triaged →
-- investigating); the capability needed comes from the lifecycle data.
CREATE FUNCTION sqm.move_object(kind text, org bigint, id bigint, expected_state text, new_state text,
                                reason text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.governed_object(kind, org, id,
                                coalesce(sqm.move_capability(kind, expected_state, new_state), 'read_cases'),
                                format('move to "%s"', new_state));
    PERFORM sqm.move(kind, org, id, expected_state, new_state, reason);
END
$$;
COMMENT ON FUNCTION sqm.move_object(text, bigint, bigint, text, text, text) IS
  'Move a deviation or measure from the state the caller expects to a new one (compare-and-set), checking the capability the lifecycle names';

CREATE FUNCTION sqm.triage_deviation(org bigint, id bigint, expected_state text, severity text, reason text DEFAULT NULL)
RETURNS void
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT sqm.write_object('deviation', org, id, expected_state, 'triaged', 'triage', 'triage',
                            jsonb_build_object('severity', severity, 'triaged_at', sqm.now()), reason);
END;
COMMENT ON FUNCTION sqm.triage_deviation(bigint, bigint, text, text, text) IS
  'Triage a reported deviation: the designated function''s initial assessment of severity (low, moderate, high)';

CREATE FUNCTION sqm.record_deviation_summary(org bigint, id bigint, expected_state text, summary text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF summary IS NULL OR btrim(summary) = '' THEN
        RAISE EXCEPTION 'the investigation summary of deviation % is empty', id
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Write what the investigation found.';
    END IF;
    IF expected_state NOT IN ('investigating', 'escalated') THEN
        RAISE EXCEPTION 'deviation % cannot get an investigation summary in state "%"', id, expected_state
            USING ERRCODE = 'SQ001',
                  HINT = 'A summary is recorded while the deviation is under investigation (investigating or escalated).';
    END IF;
    -- investigated_at is when the first summary was recorded
    PERFORM sqm.write_object('deviation', org, id, expected_state, expected_state, 'investigate', 'record the investigation of',
                             jsonb_build_object('summary', summary)
                             || CASE WHEN (SELECT d.investigated_at FROM sqm.deviation d
                                            WHERE d.org_id = org AND d.id = record_deviation_summary.id) IS NULL
                                     THEN jsonb_build_object('investigated_at', sqm.now()) ELSE '{}' END);
END
$$;
COMMENT ON FUNCTION sqm.record_deviation_summary(bigint, bigint, text, text) IS
  'Record (or revise) the written investigation summary of a deviation under investigation';

CREATE FUNCTION sqm.withdraw_deviation(org bigint, id bigint, expected_state text, reason text)
RETURNS void
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT sqm.write_object('deviation', org, id, expected_state, 'withdrawn', 'withdraw', 'withdraw',
                            jsonb_build_object('withdrawn_reason', nullif(btrim(reason), '')), reason);
END;
COMMENT ON FUNCTION sqm.withdraw_deviation(bigint, bigint, text, text) IS
  'Withdraw a deviation reported by mistake; the reason is required';

CREATE FUNCTION sqm.reclassify_deviation(org bigint, id bigint, expected_state text, reclassified_to text, reason text DEFAULT NULL)
RETURNS void
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT sqm.write_object('deviation', org, id, expected_state, 'reclassified', 'reclassify', 'reclassify',
                            jsonb_build_object('reclassified_to', nullif(btrim(reclassified_to), '')), reason);
END;
COMMENT ON FUNCTION sqm.reclassify_deviation(bigint, bigint, text, text, text) IS
  'Forward a deviation that was really another kind of item (an HSL deviation, a data incident, a complaint): link to the new item; the deviation ends as reclassified';

CREATE FUNCTION sqm.escalate_deviation(org bigint, id bigint, expected_state text, lex_sarah_ref text, reason text DEFAULT NULL)
RETURNS void
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT sqm.write_object('deviation', org, id, expected_state, 'escalated', 'escalate', 'escalate',
                            jsonb_build_object('lex_sarah_ref', nullif(btrim(lex_sarah_ref), ''), 'escalated_at', sqm.now()), reason);
END;
COMMENT ON FUNCTION sqm.escalate_deviation(bigint, bigint, text, text, text) IS
  'Escalate a deviation to lex Sarah: it stays a deviation for statistics and is linked to the lex Sarah report';

CREATE FUNCTION sqm.close_deviation(org bigint, id bigint, expected_state text, no_measure_reason text DEFAULT NULL,
                                    reason text DEFAULT NULL)
RETURNS void
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT sqm.write_object('deviation', org, id, expected_state, 'closed', 'close', 'close',
                            jsonb_build_object('closed_at', sqm.now())
                            || jsonb_strip_nulls(jsonb_build_object('no_measure_reason', nullif(btrim(no_measure_reason), ''))),
                            reason);
END;
COMMENT ON FUNCTION sqm.close_deviation(bigint, bigint, text, text, text) IS
  'Close a deviation: needs its investigation summary and every linked measure finished or cancelled, or the reason why no measure is needed';

CREATE FUNCTION sqm.record_collaboration_reply(org bigint, id bigint, expected_state text, replied_at timestamptz DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    at   timestamptz := coalesce(replied_at, sqm.now());
    cur  record;
BEGIN
    PERFORM sqm.governed_object('deviation', org, id, 'investigate', 'record the collaboration reply to');
    SELECT d.regime, d.collab_direction, d.reported_at INTO cur FROM sqm.deviation d
     WHERE d.org_id = org AND d.id = record_collaboration_reply.id;
    IF cur.regime <> 'collaboration' OR cur.collab_direction IS DISTINCT FROM 'sent' THEN
        RAISE EXCEPTION 'deviation % is not a collaboration deviation sent to another organisation', id
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Only the receiver''s reply to a sent collaboration deviation is recorded.';
    END IF;
    IF at > sqm.now() OR at < cur.reported_at THEN
        RAISE EXCEPTION 'the reply to deviation % cannot be recorded at %', id, at
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('It was reported at %s; it is now %s.', cur.reported_at, sqm.now());
    END IF;
    PERFORM sqm.write_object('deviation', org, id, expected_state, expected_state, 'investigate',
                             'record the collaboration reply to', jsonb_build_object('collab_replied_at', at));
END
$$;
COMMENT ON FUNCTION sqm.record_collaboration_reply(bigint, bigint, text, timestamptz) IS
  'Record when the receiving organisation replied to a sent collaboration deviation (default now); an edit, compare-and-set on the expected state; stops the collaboration_reply deadline';

-- ------------------------------------------------------------------ measures

CREATE FUNCTION sqm.plan_measure(org bigint, source_kind text, source_id bigint, title text, responsible text,
                                 due_on date, follow_up_on date, term text DEFAULT 'short')
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    src record;
    new_id bigint;
BEGIN
    SELECT * INTO src FROM sqm.governed_object(source_kind, org, source_id, 'manage_measures', 'plan a measure for');
    -- Lock the source until this transaction ends, so that a closure racing
    -- this call either sees the new measure or is seen closed here.
    EXECUTE format('SELECT state FROM %s WHERE org_id OPERATOR(pg_catalog.=) $1 AND id OPERATOR(pg_catalog.=) $2 FOR SHARE',
                   src.tbl)
       INTO src.state USING org, source_id;
    IF (SELECT s.terminal FROM sqm.lifecycle_state s WHERE s.kind = source_kind AND s.state = src.state) THEN
        RAISE EXCEPTION 'no measure can be planned for % %, which is %', source_kind, source_id, src.state
            USING ERRCODE = 'SQ004',
                  HINT = 'Measures are decided while the object is open.';
    END IF;
    INSERT INTO sqm.measure (org_id, state, unit_id, source_kind, source_id, title, term, responsible, due_on, follow_up_on)
    VALUES (org, 'planned', src.unit_id, source_kind, source_id, title, term, responsible, due_on, follow_up_on)
    RETURNING id INTO new_id;
    RETURN new_id;
END
$$;
COMMENT ON FUNCTION sqm.plan_measure(bigint, text, bigint, text, text, date, date, text) IS
  'Plan a measure for a governed object (a deviation, …) with a responsible person or function, a due date and a follow-up date; returns its id';

CREATE FUNCTION sqm.complete_measure(org bigint, id bigint, expected_state text, reason text DEFAULT NULL)
RETURNS void
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT sqm.write_object('measure', org, id, expected_state, 'done', 'manage_measures', 'complete',
                            jsonb_build_object('done_at', sqm.now()), reason);
END;
COMMENT ON FUNCTION sqm.complete_measure(bigint, bigint, text, text) IS
  'Record that a measure in progress was carried out';

CREATE FUNCTION sqm.evaluate_measure(org bigint, id bigint, expected_state text, effect text, reason text DEFAULT NULL)
RETURNS void
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT sqm.write_object('measure', org, id, expected_state, 'evaluated', 'manage_measures', 'evaluate',
                            jsonb_build_object('effect', effect, 'evaluated_at', sqm.now()), reason);
END;
COMMENT ON FUNCTION sqm.evaluate_measure(bigint, bigint, text, text, text) IS
  'Evaluate a measure that was done: did it have the intended effect — yes, partly or no ("no" calls for a new measure)';

CREATE FUNCTION sqm.cancel_measure(org bigint, id bigint, expected_state text, reason text)
RETURNS void
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT sqm.write_object('measure', org, id, expected_state, 'cancelled', 'manage_measures', 'cancel',
                            jsonb_build_object('cancel_reason', nullif(btrim(reason), '')), reason);
END;
COMMENT ON FUNCTION sqm.cancel_measure(bigint, bigint, text, text) IS
  'Cancel a measure that is planned or in progress; the reason is required';

REVOKE ALL ON FUNCTION
    sqm.governed_object(text, bigint, bigint, text, text), sqm.write_object(text, bigint, bigint, text, text, text, text, jsonb, text),
    sqm.add_deviation_type(bigint, text, text, text, date, date, text), sqm.end_deviation_type(bigint, text, date),
    sqm.report_deviation(bigint, bigint, text, timestamptz, text, text[], timestamptz, text, text, date),
    sqm.move_object(text, bigint, bigint, text, text, text),
    sqm.triage_deviation(bigint, bigint, text, text, text), sqm.record_deviation_summary(bigint, bigint, text, text),
    sqm.withdraw_deviation(bigint, bigint, text, text), sqm.reclassify_deviation(bigint, bigint, text, text, text),
    sqm.escalate_deviation(bigint, bigint, text, text, text), sqm.close_deviation(bigint, bigint, text, text, text),
    sqm.record_collaboration_reply(bigint, bigint, text, timestamptz),
    sqm.plan_measure(bigint, text, bigint, text, text, date, date, text),
    sqm.complete_measure(bigint, bigint, text, text), sqm.evaluate_measure(bigint, bigint, text, text, text),
    sqm.cancel_measure(bigint, bigint, text, text)
FROM PUBLIC;
