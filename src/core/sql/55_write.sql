-- The generic write path every kind's API goes through (doc/core.md).
--
-- Every API function is SECURITY DEFINER with a pinned search_path: it runs as
-- the extension owner (so it can write the governed tables, which no granted
-- role can) and checks the caller's authorisation itself (sqm.authorize).
-- Moves are compare-and-set: the caller names the state it expects to leave;
-- if the object is elsewhere the call fails with SQ003 and changes nothing.
-- The lifecycle engine and the audit trail see every write.

-- Shared by the functions below: the object's unit and state, and its kind's
-- table, details table and label, after checking that it exists and that the
-- caller may do this to it.
CREATE FUNCTION sqm.governed_object(kind text, org bigint, id bigint, capability text, action text,
                                    OUT unit_id bigint, OUT state text, OUT tbl regclass, OUT label text,
                                    OUT details regclass)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    SELECT k.governed_table, k.label_en, k.details_table INTO tbl, label, details
      FROM sqm.lifecycle_kind k WHERE k.kind = governed_object.kind;
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
  'The unit and state of a governed object, and its kind''s table, label and details table, after checking it exists (42704) and the caller has the capability (42501)';

-- Compare-and-set write of a governed object: from the state the caller
-- expects to new_state (the same state for an edit), setting the columns named
-- in changes and, in its details row, those named in details (jsonb objects;
-- values as their text), with a reason for the audit trail.  Checks existence
-- and the capability first; if the object is not in the expected state the
-- call fails with SQ003 and changes nothing.  The details row is written
-- first (with the case row locked, so that the state cannot change in
-- between), then the case: the lifecycle engine checks the move, the columns
-- it requires in either row, and its guard.
CREATE FUNCTION sqm.write_object(kind text, org bigint, id bigint, expected_state text, new_state text,
                                 capability text, action text, changes jsonb DEFAULT '{}', reason text DEFAULT NULL,
                                 details jsonb DEFAULT '{}')
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cur     record;
    cols    text;
    now_in  text;
    written bigint;
BEGIN
    SELECT * INTO cur FROM sqm.governed_object(kind, org, id, capability, action);
    -- the reason goes to the audit trail with these writes only (src/core/audit.c)
    PERFORM sqm.audit_set_context('api', reason);
    IF coalesce(details, '{}') <> '{}' THEN
        IF cur.details IS NULL THEN
            RAISE EXCEPTION 'lifecycle kind "%" has no details table for %', kind,
                            (SELECT string_agg(c, ', ' ORDER BY c) FROM jsonb_object_keys(details) c)
                USING ERRCODE = 'undefined_column';
        END IF;
        EXECUTE format('SELECT t.state FROM %s t WHERE t.org_id OPERATOR(pg_catalog.=) $1 AND t.id OPERATOR(pg_catalog.=) $2
                          FOR NO KEY UPDATE', cur.tbl)
           INTO now_in USING org, id;
        IF now_in IS DISTINCT FROM expected_state THEN
            RAISE EXCEPTION '% % is not in state "%"', cur.label, id, expected_state
                USING ERRCODE = 'SQ003',
                      DETAIL = format('It is in state "%s".', now_in),
                      HINT = 'Reload the object and try again.';
        END IF;
        SELECT string_agg(quote_ident(c), ', ' ORDER BY c) INTO cols FROM jsonb_object_keys(details) c;
        EXECUTE format('UPDATE %s d SET (%s) = (SELECT %s FROM pg_catalog.jsonb_populate_record(NULL::%s, $1) r)
                         WHERE d.org_id OPERATOR(pg_catalog.=) $2 AND d.id OPERATOR(pg_catalog.=) $3',
                       cur.details, cols,
                       (SELECT string_agg('r.' || quote_ident(c), ', ' ORDER BY c) FROM jsonb_object_keys(details) c),
                       cur.details)
           USING details, org, id;
        GET DIAGNOSTICS written = ROW_COUNT;
        IF written = 0 THEN
            RAISE EXCEPTION '% % has no details row', cur.label, id
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      HINT = format('Every case has one row in %s; restore it from a backup.', cur.details);
        END IF;
        IF new_state = expected_state AND coalesce(changes, '{}') = '{}' THEN
            PERFORM sqm.audit_clear_context();
            RETURN;     -- an edit of the details only
        END IF;
    END IF;
    SELECT string_agg(quote_ident(c), ', ' ORDER BY c) INTO cols FROM jsonb_object_keys(changes) c;
    EXECUTE format('UPDATE %s t SET state = $1%s
                     WHERE t.org_id OPERATOR(pg_catalog.=) $2 AND t.id OPERATOR(pg_catalog.=) $3
                       AND t.state OPERATOR(pg_catalog.=) $4',
                   cur.tbl, CASE WHEN cols IS NULL THEN ''
                             ELSE format(', (%s) = (SELECT %s FROM pg_catalog.jsonb_populate_record(NULL::%s, $5) r)',
                                         cols, (SELECT string_agg('r.' || quote_ident(c), ', ' ORDER BY c)
                                                  FROM jsonb_object_keys(changes) c), cur.tbl) END)
       USING new_state, org, id, expected_state, changes;
    GET DIAGNOSTICS written = ROW_COUNT;
    PERFORM sqm.audit_clear_context();
    IF written = 0 THEN
        RAISE EXCEPTION '% % is not in state "%"', cur.label, id, expected_state
            USING ERRCODE = 'SQ003',
                  DETAIL = format('It is in state "%s".', cur.state),
                  HINT = 'Reload the object and try again.';
    END IF;
END
$$;
COMMENT ON FUNCTION sqm.write_object(text, bigint, bigint, text, text, text, text, jsonb, text, jsonb) IS
  'Compare-and-set write of a governed object: from the expected state to a new one (or the same, for an edit), setting the columns in changes and, first, those in details in its details row; 42704, 42501, SQ003 as for every API call';


-- Makes a move that carries no data of its own; the capability needed comes
-- from the lifecycle data.
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
  'Move a governed object that needs no data for the move from the state the caller expects to a new one (compare-and-set), checking the capability the lifecycle names';

REVOKE ALL ON FUNCTION
    sqm.governed_object(text, bigint, bigint, text, text), sqm.write_object(text, bigint, bigint, text, text, text, text, jsonb, text, jsonb),
    sqm.move_object(text, bigint, bigint, text, text, text)
FROM PUBLIC;
SELECT sqm.grant_privilege('core', 'EXECUTE ON FUNCTION sqm.move_object(text, bigint, bigint, text, text, text),
    sqm.allowed_moves(text, text), sqm.move_capability(text, text, text)', '{handlers}');
