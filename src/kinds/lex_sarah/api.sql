-- The API of lex Sarah (doc/lex_sarah.md): reports, investigations, their
-- records, the assessment, and the notification to IVO with IVO's answers.
--
-- As for deviations (src/kinds/deviation/api.sql): every function is SECURITY
-- DEFINER with a pinned search_path and goes through the core write path
-- (sqm.write, src/core/write.c), which authorises the caller with the
-- capability the lifecycle data names (sqm.lifecycle_move,
-- sqm.lifecycle_action) and moves objects compare-and-set: the caller names
-- the state it expects to leave; elsewhere the call fails with SQ003 and
-- changes nothing.  Creation authorises with sqm.authorize_create, the kind's
-- other actions (documenting, supplementing, answering) with
-- sqm.authorize_object.  The lifecycle engine, the guards of lex_sarah.c and
-- the audit trail see every write.  The rules of lex Sarah live in the row
-- checks and guards (lex_sarah.c), for every writer: an API function checks
-- no rule itself, so a direct writer meets the same refusal.  Free text and
-- names go to the details tables: when a case is created, right after it;
-- when it moves, in the same write.
--
-- Capabilities by default (sqm.role_capability; each organisation's
-- delegation order may differ): report_lex_sarah (reporters, unit managers,
-- investigators, quality coordinators) reports; investigate_lex_sarah
-- (investigators, quality coordinators) receives, investigates, documents,
-- assesses, completes, closes, drafts notifications and records IVO's
-- answers; decide_seriousness (quality coordinators: the designated role)
-- decides that an outcome is serious; notify_ivo (quality coordinators)
-- sends, withdraws and supplements notifications; manage_taxonomy sets the
-- themes and the routing target.

-- -------------------------------------------------------------- settings

CREATE FUNCTION sqm.set_lex_sarah_routing_target(org bigint, target interval)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.authorize(org, NULL, 'manage_taxonomy', format('change the settings of organisation %s', org));
    IF target IS NULL OR target <= interval '0' THEN
        RAISE EXCEPTION 'the lex Sarah routing target of organisation % must be a positive interval, not %',
                        org, coalesce(target::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'E.g. ''1 day'' (the default) or ''8 hours''.';
    END IF;
    INSERT INTO sqm.organisation_setting AS s (org_id, lex_sarah_routing_target) VALUES (org, target)
    ON CONFLICT (org_id) DO UPDATE SET lex_sarah_routing_target = EXCLUDED.lex_sarah_routing_target;
END
$$;
COMMENT ON FUNCTION sqm.set_lex_sarah_routing_target(bigint, interval) IS
  'Set how long a lex Sarah report may wait before it is assigned to an investigation (default 1 day; sqm.lex_sarah_unassigned); quality coordinators';

CREATE FUNCTION sqm.add_lex_sarah_theme(org bigint, code text, label_sv text, label_en text,
                                        valid_from date, valid_until date DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.authorize(org, NULL, 'manage_taxonomy', format('change the lex Sarah themes of organisation %s', org));
    IF valid_from IS NULL OR (valid_until IS NOT NULL AND valid_until < valid_from) THEN
        RAISE EXCEPTION 'lex Sarah theme "%" needs a validity with a first day on or before its last', code
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO sqm.lex_sarah_theme (org_id, code, label_sv, label_en, valid)
    VALUES (org, code, label_sv, label_en, daterange(valid_from, valid_until + 1));
END
$$;
COMMENT ON FUNCTION sqm.add_lex_sarah_theme(bigint, text, text, text, date, date) IS
  'Add a theme (a kind of deficiency) to an organisation''s lex Sarah taxonomy, valid from a day (to a last day); quality coordinators';

-- ---------------------------------------------------------------- reports

-- Every lex Sarah report is made here: by staff (sqm.report_lex_sarah), or
-- from a case of another kind through the constructor
-- (sqm.lex_sarah_report_from_case, called by sqm.create_linked_case).
CREATE FUNCTION sqm.lex_sarah_report_create(org bigint, unit bigint, regime text, happened_at timestamptz,
                                            description text, reporter_name text, reporter_title text,
                                            reported_at timestamptz, source text)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    at         timestamptz := coalesce(reported_at, sqm.now());
    basis      text;
    new_id     bigint;
BEGIN
    -- authorisation before existence: a unit elsewhere and a missing one read alike
    PERFORM sqm.authorize_create('lex_sarah_report', org, unit);
    PERFORM sqm.unit_kind_of(org, unit);
    IF description IS NULL OR btrim(description) = '' THEN
        RAISE EXCEPTION 'a lex Sarah report needs a description of what happened'
            USING ERRCODE = 'not_null_violation';
    END IF;
    IF reporter_name IS NULL OR btrim(reporter_name) = '' OR reporter_title IS NULL OR btrim(reporter_title) = '' THEN
        RAISE EXCEPTION 'a lex Sarah report needs the reporter''s name and title'
            USING ERRCODE = 'not_null_violation',
                  DETAIL = 'The identity is kept apart from the report, readable only by investigators and quality coordinators.';
    END IF;
    -- the basis follows from the event date; the row check (lex_sarah.c)
    -- refuses another, and a regime, a time or an event date without one
    basis := sqm.lex_sarah_legal_basis(org, regime, happened_at);
    PERFORM sqm.audit_set_context('api', NULL);
    INSERT INTO sqm.lex_sarah_report (org_id, state, unit_id, regime, happened_at, reported_at, source, legal_basis)
    VALUES (org, 'reported', unit, regime, happened_at, at, source, basis)
    RETURNING id INTO new_id;
    INSERT INTO sqm.lex_sarah_report_detail (org_id, id, description)
    VALUES (org, new_id, description);
    PERFORM sqm.audit_clear_context();
    INSERT INTO sqm.lex_sarah_reporter (org_id, report_id, unit_id, name, title, entered_by)
    VALUES (org, new_id, unit, btrim(reporter_name), btrim(reporter_title), sqm.caller_identity());
    RETURN new_id;
END
$$;
COMMENT ON FUNCTION sqm.lex_sarah_report_create(bigint, bigint, text, timestamptz, text, text, text, timestamptz, text) IS
  'Internal: make a lex Sarah report (authorising the kind''s create action for the unit), its details and the reporter''s identity; the legal basis follows from the event date';

CREATE FUNCTION sqm.report_lex_sarah(org bigint, unit bigint, regime text, happened_at timestamptz,
                                     description text, reporter_name text, reporter_title text,
                                     reported_at timestamptz DEFAULT NULL, source text DEFAULT 'staff')
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF source IS NULL OR source NOT IN ('staff', 'complaint') THEN
        RAISE EXCEPTION 'a lex Sarah report made directly comes from staff or a complaint, not %', coalesce(source, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = CASE WHEN source = 'deviation' THEN 'A report from a deviation is made by escalating the deviation: sqm.escalate_deviation().'
                              ELSE 'The sources are staff and complaint.' END;
    END IF;
    RETURN sqm.lex_sarah_report_create(org, unit, regime, happened_at, description, reporter_name, reporter_title,
                                       reported_at, source);
END
$$;
COMMENT ON FUNCTION sqm.report_lex_sarah(bigint, bigint, text, timestamptz, text, text, text, timestamptz, text) IS
  'Report an impropriety or a tangible risk of one (lex Sarah) for the unit where it happened, under SoL or LSS; the reporter''s name and title are kept apart (sqm.lex_sarah_reporter). The legal basis follows from the event date. A report from a deviation is made by escalating it (sqm.escalate_deviation). Returns the report''s id';

-- The constructor other kinds call (sqm.create_linked_case): a lex Sarah
-- report from a case that may be an impropriety, e.g. an escalated deviation.
-- args: unit, regime, happened_at, description, reporter_name,
-- reporter_title, reported_at (default now).
CREATE FUNCTION sqm.lex_sarah_report_from_case(org bigint, from_kind text, from_id bigint, relation text, args jsonb)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF from_kind IS NULL OR from_kind NOT IN ('deviation', 'complaint') THEN
        RAISE EXCEPTION 'a lex Sarah report cannot come from a case of kind %', coalesce(from_kind, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'A lex Sarah report comes from staff, an escalated deviation or a complaint.';
    END IF;
    RETURN sqm.lex_sarah_report_create(org, (args ->> 'unit')::bigint, args ->> 'regime',
                                       (args ->> 'happened_at')::timestamptz, args ->> 'description',
                                       args ->> 'reporter_name', args ->> 'reporter_title',
                                       (args ->> 'reported_at')::timestamptz, from_kind);
END
$$;
COMMENT ON FUNCTION sqm.lex_sarah_report_from_case(bigint, text, bigint, text, jsonb) IS
  'Constructor of lex Sarah reports (sqm.case_constructor): a report from a deviation or a complaint, source = its kind; args unit, regime, happened_at, description, reporter_name, reporter_title, reported_at';

INSERT INTO sqm.case_constructor (kind, constructor, builtin) VALUES
    ('lex_sarah_report', 'sqm.lex_sarah_report_from_case(bigint, text, bigint, text, jsonb)', true);

CREATE FUNCTION sqm.receive_lex_sarah(org bigint, id bigint, received_at timestamptz DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    at   timestamptz := coalesce(received_at, sqm.now());
    cur  record;
BEGIN
    PERFORM sqm.authorize_write('lex_sarah_report', org, id, 'reported', 'reported');
    SELECT r.reported_at, r.received_at INTO cur FROM sqm.lex_sarah_report r
     WHERE r.org_id = org AND r.id = receive_lex_sarah.id;
    -- a receipt before the report or in the future: the row check refuses it
    IF cur.received_at IS NOT NULL THEN
        RETURN;     -- the first receipt counts
    END IF;
    PERFORM sqm.write('lex_sarah_report', org, id, 'reported', 'reported', jsonb_build_object('received_at', at));
END
$$;
COMMENT ON FUNCTION sqm.receive_lex_sarah(bigint, bigint, timestamptz) IS
  'Record when the investigating function got a lex Sarah report (default now); the first receipt counts';

-- Internal: assign one report to an investigation, compare-and-set from
-- "reported"; a report already assigned is refused (SQ004), one assigned
-- concurrently fails with SQ003.
CREATE FUNCTION sqm.lex_sarah_assign(org bigint, report bigint, investigation bigint)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cur  record;
BEGIN
    PERFORM sqm.authorize_write('lex_sarah_report', org, report, 'reported', 'assigned');
    SELECT r.state, r.investigation_id, r.received_at INTO cur FROM sqm.lex_sarah_report r
     WHERE r.org_id = org AND r.id = report;
    IF cur.state = 'assigned' THEN
        RAISE EXCEPTION 'lex Sarah report % is already assigned to lex Sarah investigation %', report, cur.investigation_id
            USING ERRCODE = 'SQ004',
                  DETAIL = 'A report is covered by one investigation, for good.',
                  HINT = format('Document it in investigation %s.', cur.investigation_id);
    END IF;
    PERFORM sqm.write('lex_sarah_report', org, report, 'reported', 'assigned',
                      jsonb_build_object('investigation_id', investigation, 'assigned_at', sqm.now(),
                                         'received_at', coalesce(cur.received_at, sqm.now())),
                      format('assigned to lex Sarah investigation %s', investigation));
END
$$;
COMMENT ON FUNCTION sqm.lex_sarah_assign(bigint, bigint, bigint) IS
  'Internal: assign a reported lex Sarah report to an investigation (compare-and-set; SQ004 if already assigned)';

-- ---------------------------------------------------------- investigations

CREATE FUNCTION sqm.open_lex_sarah_investigation(org bigint, unit bigint, report_ids bigint[],
                                                 opened_at timestamptz DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    at      timestamptz := coalesce(opened_at, sqm.now());
    new_id  bigint;
    report  bigint;
BEGIN
    PERFORM sqm.authorize_create('lex_sarah_investigation', org, unit);
    PERFORM sqm.unit_kind_of(org, unit);
    IF report_ids IS NULL OR cardinality(report_ids) = 0 OR array_position(report_ids, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'a lex Sarah investigation covers at least one report'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Name the reports it investigates.';
    END IF;
    IF (SELECT count(DISTINCT r) FROM unnest(report_ids) r) <> cardinality(report_ids) THEN
        RAISE EXCEPTION 'a lex Sarah investigation names a report twice'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF at > sqm.now() THEN
        RAISE EXCEPTION 'a lex Sarah investigation cannot be opened at %, which is in the future', at
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM sqm.audit_set_context('api', NULL);
    INSERT INTO sqm.lex_sarah_investigation (org_id, state, unit_id, opened_at)
    VALUES (org, 'opened', unit, at)
    RETURNING id INTO new_id;
    -- nothing written about it yet, but its row is there
    INSERT INTO sqm.lex_sarah_investigation_detail (org_id, id) VALUES (org, new_id);
    PERFORM sqm.audit_clear_context();
    -- in id order, so that concurrent calls lock the reports alike
    FOR report IN SELECT r FROM unnest(report_ids) r ORDER BY r LOOP
        PERFORM sqm.lex_sarah_assign(org, report, new_id);
    END LOOP;
    RETURN new_id;
END
$$;
COMMENT ON FUNCTION sqm.open_lex_sarah_investigation(bigint, bigint, bigint[], timestamptz) IS
  'Open a lex Sarah investigation led by a unit, covering one or more reported (unassigned) reports, possibly of several units; all or nothing. Returns its id';

CREATE FUNCTION sqm.assign_lex_sarah_report(org bigint, report_id bigint, investigation_id bigint)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- the report's row check locks the investigation and refuses a completed or closed one
    PERFORM sqm.authorize_object('lex_sarah_investigation', org, investigation_id, 'assign');
    PERFORM sqm.lex_sarah_assign(org, report_id, investigation_id);
END
$$;
COMMENT ON FUNCTION sqm.assign_lex_sarah_report(bigint, bigint, bigint) IS
  'Add a reported (unassigned) lex Sarah report to an investigation that is not completed or closed';

CREATE FUNCTION sqm.start_lex_sarah_investigation(org bigint, id bigint, expected_state text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.write('lex_sarah_investigation', org, id, expected_state, 'under_investigation',
                      jsonb_build_object('started_at', sqm.now()));
END
$$;
COMMENT ON FUNCTION sqm.start_lex_sarah_investigation(bigint, bigint, text) IS
  'Start investigating an opened lex Sarah investigation';

CREATE FUNCTION sqm.record_lex_sarah(org bigint, investigation_id bigint, item text, content text, source text,
                                     nature text, recorded_by_name text, recorded_by_title text,
                                     recorded_at timestamptz DEFAULT NULL, measure_date date DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    at       timestamptz := coalesce(recorded_at, sqm.now());
    new_id   bigint;
BEGIN
    PERFORM sqm.authorize_object('lex_sarah_investigation', org, investigation_id, 'record');
    -- what a record carries, and never in a closed investigation: the
    -- record's row check (lex_sarah.c), which locks the investigation
    INSERT INTO sqm.lex_sarah_record (org_id, investigation_id, item, content, recorded_at, source, nature,
                                      recorded_by_name, recorded_by_title, measure_date, entered_at, entered_by)
    VALUES (org, record_lex_sarah.investigation_id, item, content, at, source, nature,
            btrim(recorded_by_name), btrim(recorded_by_title), measure_date, sqm.now(), sqm.caller_identity())
    RETURNING id INTO new_id;
    RETURN new_id;
END
$$;
COMMENT ON FUNCTION sqm.record_lex_sarah(bigint, bigint, text, text, text, text, text, text, timestamptz, date) IS
  'Record one item of a lex Sarah investigation''s documentation (sqm.lex_sarah_item) with its date, source, nature (fact or assessment) and who recorded it; a measure carries the date it was taken. Append-only; not once the investigation is closed. Returns the record''s id';

CREATE FUNCTION sqm.assess_lex_sarah(org bigint, id bigint, expected_state text, outcome sqm.lex_sarah_outcome,
                                     themes text[] DEFAULT '{}')
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    was      record;
    serious  boolean := coalesce(sqm.is_serious(outcome), false);
    changes  jsonb;
BEGIN
    PERFORM sqm.authorize_write('lex_sarah_investigation', org, id, expected_state, 'assessed');
    -- themes valid on the day: the investigation's row check (lex_sarah.c)
    SELECT i.outcome, i.seriousness_decided_at, d.seriousness_decided_by INTO was
      FROM sqm.lex_sarah_investigation i
      LEFT JOIN sqm.lex_sarah_investigation_detail d ON d.org_id = i.org_id AND d.id = i.id
     WHERE i.org_id = org AND i.id = assess_lex_sarah.id;
    changes := jsonb_build_object('outcome', outcome, 'assessed_at', sqm.now(),
                                  'themes', ARRAY(SELECT DISTINCT t FROM unnest(coalesce(themes, '{}')) t ORDER BY t)::text);
    -- A serious outcome records when seriousness was first decided, and by
    -- whom (the person, in the details).  Writing those columns -- deciding
    -- seriousness, or undoing the decision -- needs the capability the data
    -- gives them (decide_seriousness: the designated role); an outcome that
    -- neither is nor was serious does not touch them.
    IF serious AND coalesce(sqm.is_serious(was.outcome), false) THEN
        changes := changes || jsonb_build_object('seriousness_decided_at', was.seriousness_decided_at,
                                                 'seriousness_decided_by', was.seriousness_decided_by);
    ELSIF serious THEN
        changes := changes || jsonb_build_object('seriousness_decided_at', sqm.now(),
                                                 'seriousness_decided_by', sqm.caller_identity());
    ELSIF coalesce(sqm.is_serious(was.outcome), false) THEN
        changes := changes || jsonb_build_object('seriousness_decided_at', NULL, 'seriousness_decided_by', NULL);
    END IF;
    PERFORM sqm.write('lex_sarah_investigation', org, id, expected_state, 'assessed', changes);
END
$$;
COMMENT ON FUNCTION sqm.assess_lex_sarah(bigint, bigint, text, sqm.lex_sarah_outcome, text[]) IS
  'Assess a lex Sarah investigation under investigation (or reassess an assessed one): its outcome and the themes of the deficiencies found. A serious outcome -- or taking one back -- needs capability decide_seriousness (by default the quality coordinator: the designated role) and records when and by whom seriousness was decided';

CREATE FUNCTION sqm.complete_lex_sarah(org bigint, id bigint, expected_state text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.write('lex_sarah_investigation', org, id, expected_state, 'completed',
                      jsonb_build_object('completed_at', sqm.now()));
END
$$;
COMMENT ON FUNCTION sqm.complete_lex_sarah(bigint, bigint, text) IS
  'Complete an assessed lex Sarah investigation: needs its outcome and a record of every required item (SOSFS 2011:5 ch. 5), each measure with its date';

CREATE FUNCTION sqm.close_lex_sarah(org bigint, id bigint, expected_state text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.write('lex_sarah_investigation', org, id, expected_state, 'closed',
                      jsonb_build_object('closed_at', sqm.now()));
END
$$;
COMMENT ON FUNCTION sqm.close_lex_sarah(bigint, bigint, text) IS
  'Close a completed lex Sarah investigation; a serious one only once its IVO notification has been sent';

CREATE FUNCTION sqm.close_lex_sarah_early(org bigint, id bigint, expected_state text, "position" text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF expected_state IS NULL OR expected_state NOT IN ('opened', 'under_investigation') THEN
        RAISE EXCEPTION 'lex Sarah investigation % can close early only while opened or under investigation, not %',
                        id, coalesce(expected_state, 'NULL')
            USING ERRCODE = 'SQ001',
                  HINT = 'An assessed investigation is completed, then closed (sqm.complete_lex_sarah, sqm.close_lex_sarah).';
    END IF;
    PERFORM sqm.write('lex_sarah_investigation', org, id, expected_state, 'closed',
                      jsonb_build_object('closed_at', sqm.now(), 'assessed_at', sqm.now(), 'outcome', 'no_impropriety',
                                         'early_position', nullif(btrim("position"), '')));
END
$$;
COMMENT ON FUNCTION sqm.close_lex_sarah_early(bigint, bigint, text, text) IS
  'Close a lex Sarah investigation early because it is clear there was no impropriety: sets outcome no_impropriety and needs the documented position';

-- --------------------------------------------------------- IVO notification

CREATE FUNCTION sqm.draft_ivo_notification(org bigint, investigation_id bigint, contents text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    unit    bigint;
    new_id  bigint;
BEGIN
    -- the notification's create action, for the investigation's unit; only
    -- for a serious outcome, one per investigation: the notification's row
    -- check (lex_sarah.c), which locks the investigation
    unit := sqm.authorize_object('lex_sarah_investigation', org, investigation_id, 'create', 'ivo_notification');
    IF contents IS NULL OR btrim(contents) = '' THEN
        RAISE EXCEPTION 'an IVO notification for lex Sarah investigation % needs its contents', investigation_id
            USING ERRCODE = 'not_null_violation';
    END IF;
    PERFORM sqm.audit_set_context('api', NULL);
    INSERT INTO sqm.ivo_notification (org_id, state, unit_id, investigation_id, drafted_at)
    VALUES (org, 'draft', unit, draft_ivo_notification.investigation_id, sqm.now())
    RETURNING id INTO new_id;
    INSERT INTO sqm.ivo_notification_detail (org_id, id, contents)
    VALUES (org, new_id, contents);
    PERFORM sqm.audit_clear_context();
    RETURN new_id;
END
$$;
COMMENT ON FUNCTION sqm.draft_ivo_notification(bigint, bigint, text) IS
  'Draft the notification to IVO of a lex Sarah investigation assessed as serious; one per investigation unless withdrawn. Returns its id';

CREATE FUNCTION sqm.revise_ivo_notification(org bigint, id bigint, expected_state text, contents text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.write('ivo_notification', org, id, expected_state, expected_state,
                      jsonb_build_object('contents', nullif(btrim(contents), '')));
END
$$;
COMMENT ON FUNCTION sqm.revise_ivo_notification(bigint, bigint, text, text) IS
  'Revise the contents of a draft IVO notification; a sent one is never edited (SQ004): later information is a supplement';

CREATE FUNCTION sqm.send_ivo_notification(org bigint, id bigint, expected_state text, regnr sqm.regnr,
                                          decided_by text, sent_at timestamptz DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    at     timestamptz := coalesce(sent_at, sqm.now());
BEGIN
    -- the row check (lex_sarah.c) refuses a sending time in the future
    -- the registry number is claimed in the organisation's registry by the
    -- trigger sqm.registry_claim (23505 if another case holds it)
    PERFORM sqm.write('ivo_notification', org, id, expected_state, 'sent',
                      jsonb_build_object('regnr', regnr, 'decided_at', sqm.now(), 'sent_at', at,
                                         'decided_by', nullif(btrim(decided_by), '')));
END
$$;
COMMENT ON FUNCTION sqm.send_ivo_notification(bigint, bigint, text, sqm.regnr, text, timestamptz) IS
  'Send a draft IVO notification by decision of the designated role (capability notify_ivo), with its registry number (claimed in the organisation''s registry: unique across every kind) and who decided; only for an investigation assessed as serious. Its contents are then frozen';

CREATE FUNCTION sqm.withdraw_ivo_notification(org bigint, id bigint, expected_state text, reason text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.write('ivo_notification', org, id, expected_state, 'withdrawn',
                      jsonb_build_object('withdrawn_reason', nullif(btrim(reason), '')), reason);
END
$$;
COMMENT ON FUNCTION sqm.withdraw_ivo_notification(bigint, bigint, text, text) IS
  'Withdraw a draft IVO notification that will not be sent; the reason is required';

-- The notification as a supplement or an answer needs it: sent.
-- A supplement and an answer are records of a sent notification; their row
-- checks (lex_sarah.c) refuse one for a notification that was not sent, one
-- dated outside its sending and now, and what else they must carry.
CREATE FUNCTION sqm.supplement_ivo_notification(org bigint, id bigint, contents text, sent_at timestamptz DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    new_id     bigint;
BEGIN
    PERFORM sqm.authorize_object('ivo_notification', org, id, 'supplement');
    INSERT INTO sqm.ivo_supplement (org_id, notification_id, sent_at, contents, entered_by)
    VALUES (org, id, coalesce(sent_at, sqm.now()), contents, sqm.caller_identity())
    RETURNING ivo_supplement.id INTO new_id;
    RETURN new_id;
END
$$;
COMMENT ON FUNCTION sqm.supplement_ivo_notification(bigint, bigint, text, timestamptz) IS
  'Send IVO later information about a sent notification (append-only; the notification itself is never edited). Returns the supplement''s id';

CREATE FUNCTION sqm.record_ivo_answer(org bigint, notification_id bigint, answer text,
                                      answered_at timestamptz DEFAULT NULL, note text DEFAULT NULL,
                                      supplement_supplied_at timestamptz DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    new_id    bigint;
BEGIN
    PERFORM sqm.authorize_object('ivo_notification', org, notification_id, 'answer');
    INSERT INTO sqm.ivo_answer (org_id, notification_id, answered_at, answer, supplement_supplied_at, note, entered_by)
    VALUES (org, record_ivo_answer.notification_id, coalesce(answered_at, sqm.now()), answer, supplement_supplied_at,
            nullif(btrim(note), ''), sqm.caller_identity())
    RETURNING id INTO new_id;
    RETURN new_id;
END
$$;
COMMENT ON FUNCTION sqm.record_ivo_answer(bigint, bigint, text, timestamptz, text, timestamptz) IS
  'Record IVO''s answer to a sent notification: closed_no_action, supplement_requested (with when the supplement was supplied, if known), criticism or other_decision; also after the investigation closed. Returns the answer''s id';

REVOKE ALL ON FUNCTION
    sqm.set_lex_sarah_routing_target(bigint, interval),
    sqm.lex_sarah_report_create(bigint, bigint, text, timestamptz, text, text, text, timestamptz, text),
    sqm.lex_sarah_report_from_case(bigint, text, bigint, text, jsonb),
    sqm.add_lex_sarah_theme(bigint, text, text, text, date, date),
    sqm.report_lex_sarah(bigint, bigint, text, timestamptz, text, text, text, timestamptz, text),
    sqm.receive_lex_sarah(bigint, bigint, timestamptz),
    sqm.lex_sarah_assign(bigint, bigint, bigint),
    sqm.open_lex_sarah_investigation(bigint, bigint, bigint[], timestamptz),
    sqm.assign_lex_sarah_report(bigint, bigint, bigint),
    sqm.start_lex_sarah_investigation(bigint, bigint, text),
    sqm.record_lex_sarah(bigint, bigint, text, text, text, text, text, text, timestamptz, date),
    sqm.assess_lex_sarah(bigint, bigint, text, sqm.lex_sarah_outcome, text[]),
    sqm.complete_lex_sarah(bigint, bigint, text),
    sqm.close_lex_sarah(bigint, bigint, text),
    sqm.close_lex_sarah_early(bigint, bigint, text, text),
    sqm.draft_ivo_notification(bigint, bigint, text),
    sqm.revise_ivo_notification(bigint, bigint, text, text),
    sqm.send_ivo_notification(bigint, bigint, text, sqm.regnr, text, timestamptz),
    sqm.withdraw_ivo_notification(bigint, bigint, text, text),
    sqm.supplement_ivo_notification(bigint, bigint, text, timestamptz),
    sqm.record_ivo_answer(bigint, bigint, text, timestamptz, text, timestamptz),
    sqm.is_serious(sqm.lex_sarah_outcome)
FROM PUBLIC;
SELECT sqm.grant_privilege('lex_sarah', 'EXECUTE ON FUNCTION
    sqm.report_lex_sarah(bigint, bigint, text, timestamptz, text, text, text, timestamptz, text)', '{reporter,handlers}');
SELECT sqm.grant_privilege('lex_sarah', 'EXECUTE ON FUNCTION sqm.receive_lex_sarah(bigint, bigint, timestamptz),
    sqm.open_lex_sarah_investigation(bigint, bigint, bigint[], timestamptz),
    sqm.assign_lex_sarah_report(bigint, bigint, bigint), sqm.start_lex_sarah_investigation(bigint, bigint, text),
    sqm.record_lex_sarah(bigint, bigint, text, text, text, text, text, text, timestamptz, date),
    sqm.assess_lex_sarah(bigint, bigint, text, sqm.lex_sarah_outcome, text[]),
    sqm.complete_lex_sarah(bigint, bigint, text), sqm.close_lex_sarah(bigint, bigint, text),
    sqm.close_lex_sarah_early(bigint, bigint, text, text),
    sqm.draft_ivo_notification(bigint, bigint, text), sqm.revise_ivo_notification(bigint, bigint, text, text),
    sqm.send_ivo_notification(bigint, bigint, text, sqm.regnr, text, timestamptz),
    sqm.withdraw_ivo_notification(bigint, bigint, text, text),
    sqm.supplement_ivo_notification(bigint, bigint, text, timestamptz),
    sqm.record_ivo_answer(bigint, bigint, text, timestamptz, text, timestamptz)', '{investigator,quality_coordinator}');
SELECT sqm.grant_privilege('lex_sarah', 'EXECUTE ON FUNCTION sqm.set_lex_sarah_routing_target(bigint, interval),
    sqm.add_lex_sarah_theme(bigint, text, text, text, date, date)', '{quality_coordinator}');
