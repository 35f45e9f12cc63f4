-- The API of lex Maja reports (domain.md §3.5).  As for every kind
-- (doc/core.md, "Writing"): SECURITY DEFINER with a pinned search_path; a new
-- report is authorised by the kind's create action for its unit
-- (sqm.authorize_create) and written with its details row; every move goes
-- through the one C write path (sqm.write), compare-and-set on the expected
-- state.  The rules are the row check of lex_maja.c: no function here checks
-- one, so a direct writer meets the same refusal.  The registry number is
-- claimed in the organisation's registry by the trigger the govern call made.
--
-- Capabilities by default (sqm.role_capability): report_lex_maja (every staff
-- role) reports; handle_lex_maja (unit managers, investigators, quality
-- coordinators) sends, closes and withdraws.

CREATE FUNCTION sqm.report_lex_maja(org bigint, unit bigint, regnr sqm.regnr, observed_at timestamptz, summary text,
                                    reporter_title text DEFAULT NULL, registered_at timestamptz DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    at      timestamptz := coalesce(registered_at, sqm.now());
    new_id  bigint;
BEGIN
    -- authorisation before existence: a unit elsewhere and a missing one read alike
    PERFORM sqm.authorize_create('lex_maja', org, unit);
    PERFORM sqm.unit_kind_of(org, unit);
    IF summary IS NULL OR btrim(summary) = '' THEN
        RAISE EXCEPTION 'a lex Maja report needs a summary of what was found'
            USING ERRCODE = 'not_null_violation',
                  HINT = 'Describe the animal''s situation, with no more about the person than the report needs.';
    END IF;
    PERFORM sqm.audit_set_context('api', NULL);
    -- the basis follows from the day the animal was found; the row check
    -- (lex_maja.c) refuses another, and a day without one
    INSERT INTO sqm.lex_maja (org_id, state, unit_id, regnr, observed_at, registered_at, legal_basis)
    VALUES (org, 'registered', unit, regnr, observed_at, at, sqm.lex_maja_legal_basis(org, observed_at))
    RETURNING id INTO new_id;
    INSERT INTO sqm.lex_maja_detail (org_id, id, reported_by, reporter_title, summary)
    VALUES (org, new_id, sqm.caller_identity(), nullif(btrim(reporter_title), ''), summary);
    PERFORM sqm.audit_clear_context();
    RETURN new_id;
END
$$;
COMMENT ON FUNCTION sqm.report_lex_maja(bigint, bigint, sqm.regnr, timestamptz, text, text, timestamptz) IS
  'Register a lex Maja report -- staff found an animal in distress -- for the unit whose staff found it, with its registry number (claimed in the organisation''s registry), when the animal was found (it chooses the legal basis), what was found and the reporter''s title; registered_at defaults to now. Returns its id';

CREATE FUNCTION sqm.send_lex_maja(org bigint, id bigint, expected_state text, recipient text, recipient_name text DEFAULT NULL,
                                  sent_at timestamptz DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.write('lex_maja', org, id, expected_state, 'sent',
                      jsonb_build_object('recipient', recipient, 'sent_at', coalesce(sent_at, sqm.now()))
                      || jsonb_strip_nulls(jsonb_build_object('recipient_name', nullif(btrim(recipient_name), ''))));
END
$$;
COMMENT ON FUNCTION sqm.send_lex_maja(bigint, bigint, text, text, text, timestamptz) IS
  'Send a registered lex Maja report to its recipient -- county_board (the control authority for animal welfare) or police -- by name if wanted, and when (default now; after the registration)';

CREATE FUNCTION sqm.close_lex_maja(org bigint, id bigint, expected_state text, reason text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.write('lex_maja', org, id, expected_state, 'closed', jsonb_build_object('closed_at', sqm.now()), reason);
END
$$;
COMMENT ON FUNCTION sqm.close_lex_maja(bigint, bigint, text, text) IS 'Close a sent lex Maja report';

CREATE FUNCTION sqm.withdraw_lex_maja(org bigint, id bigint, expected_state text, reason text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.write('lex_maja', org, id, expected_state, 'withdrawn',
                      jsonb_build_object('withdrawn_reason', nullif(btrim(reason), '')), reason);
END
$$;
COMMENT ON FUNCTION sqm.withdraw_lex_maja(bigint, bigint, text, text) IS
  'Withdraw a lex Maja report that will not be sent (registered by mistake); the reason is required; a withdrawn report is not counted';

REVOKE ALL ON FUNCTION
    sqm.report_lex_maja(bigint, bigint, sqm.regnr, timestamptz, text, text, timestamptz),
    sqm.send_lex_maja(bigint, bigint, text, text, text, timestamptz),
    sqm.close_lex_maja(bigint, bigint, text, text),
    sqm.withdraw_lex_maja(bigint, bigint, text, text)
FROM PUBLIC;
SELECT sqm.grant_privilege('lex_maja', 'EXECUTE ON FUNCTION
    sqm.report_lex_maja(bigint, bigint, sqm.regnr, timestamptz, text, text, timestamptz)', '{reporter,handlers}');
SELECT sqm.grant_privilege('lex_maja', 'EXECUTE ON FUNCTION
    sqm.send_lex_maja(bigint, bigint, text, text, text, timestamptz), sqm.close_lex_maja(bigint, bigint, text, text),
    sqm.withdraw_lex_maja(bigint, bigint, text, text)', '{handlers}');
