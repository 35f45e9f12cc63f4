-- The API of measures: plan one for any governed object, carry it out,
-- evaluate or cancel it.  Every function is SECURITY DEFINER with a pinned
-- search_path and goes through the core write path (sqm.write,
-- src/core/write.c), with the capabilities the lifecycle data names.  Whether
-- a measure may be planned for its source (not one in a terminal state) is a
-- rule of the data, checked for every writer.

CREATE FUNCTION sqm.plan_measure(org bigint, source_kind text, source_id bigint, title text, responsible text,
                                 due_on date, follow_up_on date, term text DEFAULT 'short')
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    unit    bigint;
    new_id  bigint;
BEGIN
    -- the measure's create action, for the source's unit; the row check
    -- (measure.c) locks the source and refuses one in a terminal state
    unit := sqm.authorize_object(source_kind, org, source_id, 'create', 'measure');
    PERFORM sqm.audit_set_context('api', NULL);
    INSERT INTO sqm.measure (org_id, state, unit_id, source_kind, source_id, term, due_on, follow_up_on)
    VALUES (org, 'planned', unit, source_kind, source_id, term, due_on, follow_up_on)
    RETURNING id INTO new_id;
    INSERT INTO sqm.measure_detail (org_id, id, title, responsible)
    VALUES (org, new_id, title, responsible);
    PERFORM sqm.audit_clear_context();
    RETURN new_id;
END
$$;
COMMENT ON FUNCTION sqm.plan_measure(bigint, text, bigint, text, text, date, date, text) IS
  'Plan a measure for a governed object (a deviation, …) with a title, a responsible person or function (both in sqm.measure_detail), a due date and a follow-up date; returns its id';

CREATE FUNCTION sqm.complete_measure(org bigint, id bigint, expected_state text, reason text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.write('measure', org, id, expected_state, 'done', jsonb_build_object('done_at', sqm.now()), reason);
END
$$;
COMMENT ON FUNCTION sqm.complete_measure(bigint, bigint, text, text) IS
  'Record that a measure in progress was carried out';

CREATE FUNCTION sqm.evaluate_measure(org bigint, id bigint, expected_state text, effect text, reason text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.write('measure', org, id, expected_state, 'evaluated',
                      jsonb_build_object('effect', effect, 'evaluated_at', sqm.now()), reason);
END
$$;
COMMENT ON FUNCTION sqm.evaluate_measure(bigint, bigint, text, text, text) IS
  'Evaluate a measure that was done: did it have the intended effect — yes, partly or no ("no" calls for a new measure)';

CREATE FUNCTION sqm.cancel_measure(org bigint, id bigint, expected_state text, reason text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.write('measure', org, id, expected_state, 'cancelled',
                      jsonb_build_object('cancel_reason', nullif(btrim(reason), '')), reason);
END
$$;
COMMENT ON FUNCTION sqm.cancel_measure(bigint, bigint, text, text) IS
  'Cancel a measure that is planned or in progress; the reason is required';

-- A measure's due or follow-up date moves only with a reason (measure.c);
-- the audit trail keeps each change with it.
CREATE FUNCTION sqm.reschedule_measure(org bigint, id bigint, expected_state text, due_on date, follow_up_on date,
                                       reason text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF due_on IS NULL AND follow_up_on IS NULL THEN
        RAISE EXCEPTION 'rescheduling measure % needs a new due date or a new follow-up date', id
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give the dates that move; NULL keeps a date as it is.';
    END IF;
    -- an edit (the kind's edit action); the row check refuses dates moved
    -- without a reason, for every writer
    PERFORM sqm.write('measure', org, id, expected_state, expected_state,
                      jsonb_strip_nulls(jsonb_build_object('due_on', due_on, 'follow_up_on', follow_up_on)),
                      reason);
END
$$;
COMMENT ON FUNCTION sqm.reschedule_measure(bigint, bigint, text, date, date, text) IS
  'Move the due date and/or the follow-up date of a measure that is not evaluated or cancelled (NULL keeps a date); the reason is required and the audit trail keeps each change with it';


REVOKE ALL ON FUNCTION
    sqm.plan_measure(bigint, text, bigint, text, text, date, date, text),
    sqm.complete_measure(bigint, bigint, text, text), sqm.evaluate_measure(bigint, bigint, text, text, text),
    sqm.cancel_measure(bigint, bigint, text, text), sqm.reschedule_measure(bigint, bigint, text, date, date, text)
FROM PUBLIC;
SELECT sqm.grant_privilege('measure', 'EXECUTE ON FUNCTION sqm.plan_measure(bigint, text, bigint, text, text, date, date, text),
    sqm.complete_measure(bigint, bigint, text, text), sqm.evaluate_measure(bigint, bigint, text, text, text),
    sqm.cancel_measure(bigint, bigint, text, text), sqm.reschedule_measure(bigint, bigint, text, date, date, text)', '{handlers}');
