-- The API of measures: plan one for any governed object, carry it out,
-- evaluate or cancel it.  Every function is SECURITY DEFINER with a pinned
-- search_path and goes through the core write path (src/core/sql/55_write.sql).

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
    PERFORM sqm.audit_set_context('api', NULL);
    INSERT INTO sqm.measure (org_id, state, unit_id, source_kind, source_id, term, due_on, follow_up_on)
    VALUES (org, 'planned', src.unit_id, source_kind, source_id, term, due_on, follow_up_on)
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
                            '{}', reason, details => jsonb_build_object('cancel_reason', nullif(btrim(reason), '')));
END;
COMMENT ON FUNCTION sqm.cancel_measure(bigint, bigint, text, text) IS
  'Cancel a measure that is planned or in progress; the reason is required';


REVOKE ALL ON FUNCTION
    sqm.plan_measure(bigint, text, bigint, text, text, date, date, text),
    sqm.complete_measure(bigint, bigint, text, text), sqm.evaluate_measure(bigint, bigint, text, text, text),
    sqm.cancel_measure(bigint, bigint, text, text)
FROM PUBLIC;
SELECT sqm.grant_privilege('measure', 'EXECUTE ON FUNCTION sqm.plan_measure(bigint, text, bigint, text, text, date, date, text),
    sqm.complete_measure(bigint, bigint, text, text), sqm.evaluate_measure(bigint, bigint, text, text, text),
    sqm.cancel_measure(bigint, bigint, text, text)', '{handlers}');
