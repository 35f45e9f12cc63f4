-- Complaints and feedback (domain.md §3.3, src/kinds/complaint): every rule
-- broken through the API and by a direct superuser write, refused alike with
-- the same SQLSTATE and message, each condition on its own and the case just
-- inside it allowed; the bad input of issue 16 with detail and hint, nothing
-- changed; the lifecycle, the links to deviations and lex Sarah, the answer
-- deadline, the registry, the audit of the sender's identity, the statistics
-- of a matter directed at no unit and of the follow-up day; and access by
-- unit, role and organisation.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(109);

SET LOCAL sqm.frozen_now = '2025-03-03 10:00+01';
SET LOCAL TimeZone = 'Europe/Stockholm';
SET LOCAL DateStyle = 'ISO, YMD';
SELECT sqm.create_roles() \g /dev/null
SELECT sqm.create_organisation('Klagomål', 'SN') AS org \gset
SELECT sqm.create_unit(:org, 'Förvaltningen', 'administration', '2024-01-01') AS adm \gset
SELECT sqm.create_unit(:org, 'Kvalitet', 'department', '2024-01-01', :adm) AS kval \gset
SELECT sqm.create_unit(:org, 'Enhet A', 'unit', '2024-01-01', :adm) AS ua \gset
SELECT sqm.create_unit(:org, 'Enhet B', 'unit', '2024-01-01', :adm) AS ub \gset
SELECT sqm.create_unit(:org, 'Enhet C', 'unit', '2024-01-01', :adm) AS uc \gset
SELECT sqm.end_unit(:org, :uc, '2024-12-31') \g /dev/null
SELECT sqm.add_complaint_subject(:org, 'treatment', 'Bemötande', 'Treatment', '2024-01-01') \g /dev/null
SELECT sqm.add_complaint_subject(:org, 'case_handling', 'Handläggning', 'Case handling', '2024-01-01') \g /dev/null
SELECT sqm.add_complaint_subject(:org, 'old', 'Gammalt', 'Old', '2024-01-01', '2024-12-31') \g /dev/null
SELECT sqm.add_complaint_subject(:org, 'coming', 'Kommande', 'Coming', '2025-06-01') \g /dev/null
SELECT sqm.add_deviation_type(:org, 'info', 'Information', 'Information', '2024-01-01') \g /dev/null
SELECT sqm.create_organisation('Annan', 'SN') AS orgb \gset
SELECT sqm.create_unit(:orgb, 'Enhet B1', 'unit', '2024-01-01') AS b1 \gset
SELECT sqm.add_complaint_subject(:orgb, 'own', 'Eget', 'Own', '2024-01-01') \g /dev/null

CREATE ROLE tco_reporter_a IN ROLE sqm_reporter;
CREATE ROLE tco_reporter_b IN ROLE sqm_reporter;
CREATE ROLE tco_manager_a IN ROLE sqm_unit_manager;
CREATE ROLE tco_manager_b IN ROLE sqm_unit_manager;
CREATE ROLE tco_coordinator IN ROLE sqm_quality_coordinator;
CREATE ROLE tco_coordinator_b IN ROLE sqm_quality_coordinator;
CREATE ROLE tco_auditor IN ROLE sqm_auditor;
CREATE ROLE tco_reader IN ROLE sqm_report_reader;
SELECT sqm.grant_membership(:org, 'tco_reporter_a', 'reporter', :ua) \g /dev/null
SELECT sqm.grant_membership(:org, 'tco_reporter_b', 'reporter', :ub) \g /dev/null
SELECT sqm.grant_membership(:org, 'tco_manager_a', 'unit_manager', :ua) \g /dev/null
SELECT sqm.grant_membership(:org, 'tco_manager_b', 'unit_manager', :ub) \g /dev/null
SELECT sqm.grant_membership(:org, 'tco_coordinator', 'quality_coordinator') \g /dev/null
SELECT sqm.grant_membership(:orgb, 'tco_coordinator_b', 'quality_coordinator') \g /dev/null
SELECT sqm.grant_membership(:org, 'tco_auditor', 'auditor') \g /dev/null
SELECT sqm.grant_membership(:org, 'tco_reader', 'report_reader') \g /dev/null

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

-- A matter through the API (registered 2025-03-02 10:00 unless told), and
-- the same row written directly (with its details).
CREATE FUNCTION pg_temp.reg_api(u bigint, regnr text, registered text DEFAULT '2025-03-02 10:00+01',
                                received text DEFAULT NULL, subjects text DEFAULT '{treatment}',
                                sender text DEFAULT 'relative', sender_name text DEFAULT 'Anna Exempelsson',
                                directed boolean DEFAULT true) RETURNS text LANGUAGE sql AS $$
    SELECT pg_temp.try(format('SELECT sqm.register_complaint(%s, %s, %L, ''complaint'', %L, %L, ''Otrevligt bemötande'', %L, ''email'', %L, %L, %L)',
                              current_setting('tst.org'), u, regnr, sender, subjects, sender_name, received, registered, directed))
$$;
CREATE FUNCTION pg_temp.reg_direct(id bigint, u bigint, regnr text, registered text DEFAULT '2025-03-02 10:00+01',
                                   received text DEFAULT NULL, subjects text DEFAULT '{treatment}',
                                   sender text DEFAULT 'relative', sender_name text DEFAULT 'Anna Exempelsson') RETURNS text LANGUAGE sql AS $$
    SELECT pg_temp.try(format('INSERT INTO sqm.complaint (org_id, id, state, unit_id, regnr, complaint_kind, sender_type, channel, subjects,
                                                          received_at, registered_at)
                               VALUES (%s, %s, ''registered'', %s, %L, ''complaint'', %L, ''email'', %L, %L, %L);
                               INSERT INTO sqm.complaint_detail (org_id, id, sender_name, summary) VALUES (%1$s, %2$s, %9$L, ''Otrevligt bemötande'')',
                              current_setting('tst.org'), id, u, regnr, sender, subjects, coalesce(received, registered), registered, sender_name))
$$;
SELECT set_config('tst.org', :'org', true) \g /dev/null

-- ====================================================================
-- The row check (complaint.c, sqm.complaint_check)
-- ====================================================================
-- registered at the latest now
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.reg_api(:ua, '2025.101 SN', '2025-03-03 10:00:01+01'),
          format('23514: complaint %s cannot be registered at 2025-03-03 10:00:01+01, which is in the future', :next),
          'a matter registered in the future: refused through the API');
SELECT is(pg_temp.reg_direct(:next, :ua, '2025.101 SN', '2025-03-03 10:00:01+01'),
          format('23514: complaint %s cannot be registered at 2025-03-03 10:00:01+01, which is in the future', :next),
          'a matter registered in the future: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.reg_api(:ua, '2025.101 SN', '2025-03-03 10:00+01'), 'ok', 'a matter registered exactly now is allowed');
-- received at or before its registration
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.reg_api(:ua, '2025.101 SN', '2025-03-02 10:00+01', '2025-03-02 10:00:01+01'),
          format('23514: complaint %s cannot have been received at 2025-03-02 10:00:01+01, after it was registered at 2025-03-02 10:00:00+01', :next),
          'a matter received after its registration: refused through the API');
SELECT is(pg_temp.reg_direct(:next, :ua, '2025.101 SN', '2025-03-02 10:00+01', '2025-03-02 10:00:01+01'),
          format('23514: complaint %s cannot have been received at 2025-03-02 10:00:01+01, after it was registered at 2025-03-02 10:00:00+01', :next),
          'a matter received after its registration: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.reg_api(:ua, '2025.101 SN', '2025-03-02 10:00+01', '2025-03-02 10:00+01'), 'ok',
          'a matter registered the moment it came in is allowed');
-- its unit existed on the registration date (organisation's time zone)
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.reg_api(:uc, '2025.101 SN', '2025-01-01 00:30+01', '2024-12-31 12:00+01'),
          format('23503: unit %s of organisation %s did not exist on 2025-01-01, the registration date of complaint %s', :uc, :org, :next),
          'a unit that had ended: refused through the API');
SELECT is(pg_temp.reg_direct(:next, :uc, '2025.101 SN', '2025-01-01 00:30+01', '2024-12-31 12:00+01'),
          format('23503: unit %s of organisation %s did not exist on 2025-01-01, the registration date of complaint %s', :uc, :org, :next),
          'a unit that had ended: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.reg_api(:uc, '2025.101 SN', '2024-12-31 23:30+00', '2024-12-31 12:00+01', '{old}'),
          format('23503: unit %s of organisation %s did not exist on 2025-01-01, the registration date of complaint %s', :uc, :org, :next + 1),
          'the registration date is the organisation''s: 23:30 UTC on 31 December is 1 January in Stockholm');
SELECT is(pg_temp.reg_api(:uc, '2025.101 SN', '2024-12-31 23:30+01', '2024-12-31 12:00+01', '{old}'), 'ok',
          'on the ended unit''s last day a matter is registered for it');
-- every subject the organisation's, valid on the registration date (the bad input "a subject not valid on the registration date")
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.try_full(format($$SELECT sqm.register_complaint(%s, %s, '2025.101 SN', 'feedback', 'relative', '{treatment,coming}', 'x')$$, :org, :ua)),
          format('23503: complaint %s has subjects that organisation %s does not use on 2025-03-03: coming / Valid on the registration date: case_handling, treatment. / Choose subjects from the organisation''s taxonomy valid on the registration date (sqm.complaint_subject), or add one with sqm.add_complaint_subject().', :next, :org),
          'a subject not yet valid on the registration date: refused through the API with its detail and hint, naming only the bad subject');
SELECT is(pg_temp.reg_direct(:next, :ua, '2025.101 SN', '2025-03-03 10:00+01', NULL, '{treatment,coming}'),
          format('23503: complaint %s has subjects that organisation %s does not use on 2025-03-03: coming', :next, :org),
          'a subject not yet valid: refused directly, same SQLSTATE and message');
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.reg_api(:ua, '2025.101 SN', '2025-01-01 00:30+01', NULL, '{old}'),
          format('23503: complaint %s has subjects that organisation %s does not use on 2025-01-01: old', :next, :org),
          'a subject that ended the day before: refused through the API');
SELECT is(pg_temp.reg_direct(:next, :ua, '2025.101 SN', '2025-01-01 00:30+01', NULL, '{old}'),
          format('23503: complaint %s has subjects that organisation %s does not use on 2025-01-01: old', :next, :org),
          'a subject that ended: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.reg_api(:ua, '2025.101 SN', '2024-12-31 23:30+01', NULL, '{old}'), 'ok', 'a subject on its last day is allowed');
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.reg_api(:ua, '2025.101 SN', '2025-03-02 10:00+01', NULL, '{own}'),
          format('23503: complaint %s has subjects that organisation %s does not use on 2025-03-02: own', :next, :org),
          'a subject of another organisation: refused through the API');
SELECT is(pg_temp.reg_direct(:next, :ua, '2025.101 SN', '2025-03-02 10:00+01', NULL, '{own}'),
          format('23503: complaint %s has subjects that organisation %s does not use on 2025-03-02: own', :next, :org),
          'a subject of another organisation: refused directly');
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.reg_api(:ua, '2025.101 SN', '2025-03-02 10:00+01', NULL, '{treatment,treatment}'),
          format('22023: complaint %s names a subject twice', :next), 'a subject named twice: refused through the API');
SELECT is(pg_temp.reg_direct(:next, :ua, '2025.101 SN', '2025-03-02 10:00+01', NULL, '{treatment,treatment}'),
          format('22023: complaint %s names a subject twice', :next), 'a subject named twice: refused directly');
SELECT is(left(pg_temp.reg_api(:ua, '2025.101 SN', '2025-03-02 10:00+01', NULL, '{}'), 5), '23514', 'a matter without a subject is refused');
-- an anonymous sender names no sender (never quoting the name)
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.reg_api(:ua, '2025.101 SN', '2025-03-02 10:00+01', NULL, '{treatment}', 'anonymous', 'Anna Exempelsson'),
          format('23514: complaint %s from an anonymous sender cannot name its sender', :next),
          'an anonymous matter with a sender''s name: refused through the API (the details check), the name not quoted');
SELECT is(pg_temp.reg_direct(:next, :ua, '2025.101 SN', '2025-03-02 10:00+01', NULL, '{treatment}', 'anonymous', 'Anna Exempelsson'),
          format('23514: complaint %s from an anonymous sender cannot name its sender', :next),
          'an anonymous matter with a sender''s name: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.reg_api(:ua, '2025.101 SN', '2025-03-02 10:00+01', NULL, '{treatment}', 'anonymous', NULL), 'ok',
          'an anonymous matter without a name is registered');

SELECT is((SELECT count(*) FROM sqm.complaint WHERE org_id = :org) + (SELECT count(*) FROM sqm.registry_entry WHERE org_id = :org), 0::bigint,
          'nothing of the refused registrations remains: no matter, no registry entry');

-- the matters the rest of the test works on
SELECT sqm.register_complaint(:org, :ua, '2025.001 SN', 'complaint', 'relative', '{treatment,case_handling}', 'Otrevligt bemötande',
                              'Anna Exempelsson', 'email', '2025-02-27 20:00+01', '2025-03-02 10:00+01') AS c1 \gset
SELECT sqm.register_complaint(:org, :ub, '2025.002 SN', 'feedback', 'service_user', '{case_handling}', 'Lång väntan',
                              'Per Påhittad', 'letter', NULL, '2025-03-02 11:00+01') AS c2 \gset
SELECT sqm.register_complaint(:org, :kval, '2025.003 SN', 'feedback', 'anonymous', '{treatment}', 'Receptionen',
                              NULL, 'e_service', NULL, '2025-03-02 12:00+01', false) AS c3 \gset
SELECT sqm.register_complaint(:orgb, :b1, '2025.001 SN', 'complaint', 'relative', '{own}', 'Annan organisation', NULL,
                              'phone', NULL, '2025-03-02 10:00+01') AS cb \gset
SELECT is((SELECT (state, unit_id = :ua, directed_at_unit, complaint_kind, sender_type, channel, subjects, registered_on)::text
             FROM sqm.complaint WHERE id = :c1),
          '(registered,t,t,complaint,relative,email,"{treatment,case_handling}",2025-03-02)',
          'a matter starts registered, with its kind, sender type, channel, subjects and registration day');
SELECT is((SELECT (sender_name, summary)::text FROM sqm.complaint_detail WHERE id = :c1), '("Anna Exempelsson","Otrevligt bemötande")',
          'the sender''s name and what the sender says are in the details');

-- ====================================================================
-- The registry (class registry_number, wired by the govern call)
-- ====================================================================
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.try_full(format($$SELECT sqm.register_complaint(%s, %s, 'SN 2025/1', 'complaint', 'relative', '{treatment}', 'x')$$, :org, :ub)),
          format('23505: registry number 2025.001 SN of organisation %s is already held by complaint %s / A registry number belongs to one matter of an organisation, whatever its kind; complaint %s cannot be registered under it. / Check the number in the registry; a new matter is registered under a number of its own.',
                 :org, :c1, :next),
          'a taken registry number (in any style) is refused through the API, naming its holder, with detail and hint');
SELECT is(left(pg_temp.reg_direct(:next, :ub, '2025.001 SN'), 95),
          left(format('23505: registry number 2025.001 SN of organisation %s is already held by complaint %s', :org, :c1), 95),
          'a taken registry number is refused directly, naming its holder');
SELECT is((SELECT count(*) FROM sqm.complaint WHERE org_id = :org AND regnr OPERATOR(sqm.=) '2025.001 SN'::sqm.regnr), 1::bigint,
          'and nothing was registered under it');
SELECT is((SELECT kind || ' ' || (object_id = :c1) FROM sqm.registry_entry WHERE org_id = :org AND regnr OPERATOR(sqm.=) '2025.001 SN'::sqm.regnr),
          'complaint true', 'the registry holds the number for the complaint');
SELECT is((SELECT kind FROM sqm.registry_entry WHERE org_id = :orgb AND regnr OPERATOR(sqm.=) '2025.001 SN'::sqm.regnr), 'complaint',
          'another organisation registers the same number for its own matter');
SELECT is(left(pg_temp.try(format($$UPDATE sqm.complaint SET regnr = '2025.009 SN' WHERE id = %s$$, :c1)), 5), 'SQ010',
          'a registered number never changes');

-- ====================================================================
-- Handling, answering, closing (lifecycle, row check, closure guard)
-- ====================================================================
-- handling starts between the registration and now
SELECT is(pg_temp.try(format($$SELECT sqm.start_complaint_handling(%s, %s, 'registered', '2025-03-02 09:59:59+01')$$, :org, :c1)),
          format('23514: the handling of complaint %s cannot start at 2025-03-02 09:59:59+01', :c1),
          'handling started before the registration: refused through the API');
SELECT is(pg_temp.try(format($$UPDATE sqm.complaint SET state = 'under_handling', handling_started_at = '2025-03-02 09:59:59+01' WHERE id = %s$$, :c1)),
          format('23514: the handling of complaint %s cannot start at 2025-03-02 09:59:59+01', :c1),
          'handling started before the registration: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.try(format($$SELECT sqm.start_complaint_handling(%s, %s, 'registered', '2025-03-03 10:00:01+01')$$, :org, :c1)),
          format('23514: the handling of complaint %s cannot start at 2025-03-03 10:00:01+01', :c1),
          'handling started in the future: refused');
SELECT is(pg_temp.try(format($$SELECT sqm.start_complaint_handling(%s, %s, 'registered', '2025-03-02 10:00+01')$$, :org, :c1)), 'ok',
          'handling started the moment of the registration is allowed');

-- closing without a registered answer (the bad input "closing without an answer")
SELECT is(pg_temp.try_full(format($$SELECT sqm.close_complaint(%s, %s, 'registered')$$, :org, :c1)),
          format('SQ002: complaint %s cannot be closed: no answer is registered / It was registered at 2025-03-02 10:00:00+01; missing: the date of the answer (answered_at), the answer or how it was handled (answer), who answered (answered_by). / Register the answer, or how the matter was handled, with its date and who answered (sqm.answer_complaint()), then close it.', :c1),
          'closing without an answer is refused through the API, with what is missing and what to do');
SELECT is(pg_temp.try(format($$UPDATE sqm.complaint SET state = 'closed', closed_at = sqm.now() WHERE id = %s$$, :c1)),
          format('SQ002: complaint %s cannot be closed: no answer is registered', :c1),
          'closing without an answer is refused directly, same SQLSTATE and message');
SELECT is(pg_temp.try(format($$UPDATE sqm.complaint SET state = 'closed', closed_at = sqm.now(), answered_at = '2025-03-02 12:00+01' WHERE id = %s$$, :c1)),
          format('SQ002: complaint %s cannot be closed: its answer is incomplete', :c1),
          'an answer''s date alone is no registered answer: the answer and who answered are missing');
SELECT is((SELECT state FROM sqm.complaint WHERE id = :c1), 'registered', 'nothing changed: the matter is still registered');

SELECT sqm.start_complaint_handling(:org, :c1, 'registered', '2025-03-02 13:00+01') \g /dev/null
SELECT is(pg_temp.try(format($$SELECT sqm.start_complaint_handling(%s, %s, 'registered')$$, :org, :c1)),
          format('SQ003: complaint %s is not in state "registered"', :c1), 'a stale expected state is refused (SQ003)');
-- the answer: dated between the registration and now, with the answer and who answered
SELECT is(pg_temp.try(format($$SELECT sqm.answer_complaint(%s, %s, 'under_handling', 'Svar', 'enhetschef', '2025-03-02 09:00+01')$$, :org, :c1)),
          format('23514: the answer to complaint %s cannot be dated 2025-03-02 09:00:00+01', :c1),
          'an answer dated before the registration: refused through the API');
SELECT is(pg_temp.try(format($$UPDATE sqm.complaint_detail SET answer = 'Svar', answered_by = 'enhetschef' WHERE id = %1$s;
                              UPDATE sqm.complaint SET state = 'answered', answered_at = '2025-03-02 09:00+01' WHERE id = %1$s$$, :c1)),
          format('23514: the answer to complaint %s cannot be dated 2025-03-02 09:00:00+01', :c1),
          'an answer dated before the registration: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.try(format($$SELECT sqm.answer_complaint(%s, %s, 'under_handling', 'Svar', 'enhetschef', '2025-03-03 10:00:01+01')$$, :org, :c1)),
          format('23514: the answer to complaint %s cannot be dated 2025-03-03 10:00:01+01', :c1), 'an answer dated in the future: refused');
SELECT is(pg_temp.try(format($$SELECT sqm.answer_complaint(%s, %s, 'under_handling', ' ', 'enhetschef')$$, :org, :c1)),
          format('SQ002: complaint %s cannot move from "under_handling" to "answered" without answer', :c1),
          'an answer without its text is refused');
SELECT is(pg_temp.try(format($$SELECT sqm.answer_complaint(%s, %s, 'under_handling', 'Svar', NULL)$$, :org, :c1)),
          format('SQ002: complaint %s cannot move from "under_handling" to "answered" without answered_by', :c1),
          'an answer without who answered is refused');
SELECT is(pg_temp.try(format($$SELECT sqm.answer_complaint(%s, %s, 'under_handling', 'Svar', 'enhetschef', '2025-03-02 10:00+01')$$, :org, :c1)),
          'ok', 'an answer dated the moment of the registration is allowed');
SELECT lives_ok(format($$SELECT sqm.answer_complaint(%s, %s, 'under_handling', 'Samtal med anhörig; bemötandet togs upp med personalen.',
                                                       'enhetschef', '2025-03-03 09:00+01')$$, :org, :c1),
                'the answer is registered with its date and who answered');
SELECT is((SELECT (state, answered_on)::text FROM sqm.complaint WHERE id = :c1), '(answered,2025-03-03)', 'answered, on its day');
-- a direct writer that removes the answer does not get past the closure guard
SELECT is(pg_temp.try(format($$UPDATE sqm.complaint_detail SET answer = NULL WHERE id = %1$s;
                              UPDATE sqm.complaint SET state = 'closed', closed_at = sqm.now() WHERE id = %1$s$$, :c1)),
          format('SQ002: complaint %s cannot be closed: its answer is incomplete', :c1),
          'an answer removed directly: the closure guard reads the details again');
SELECT lives_ok(format($$SELECT sqm.close_complaint(%s, %s, 'answered')$$, :org, :c1), 'with its answer registered the matter closes');
SELECT is(left(pg_temp.try(format($$UPDATE sqm.complaint_detail SET summary = 'ändrad' WHERE id = %s$$, :c1)), 5), 'SQ004',
          'a closed matter''s details are not edited');
-- an answer given at once, and the matter closed in one direct write
SELECT is(pg_temp.try(format($$UPDATE sqm.complaint_detail SET answer = 'Besvarat direkt', answered_by = 'enhetschef' WHERE id = %1$s;
                              UPDATE sqm.complaint SET state = 'closed', closed_at = sqm.now(), answered_at = sqm.now() WHERE id = %1$s$$, :c2)),
          'ok', 'a matter with its answer registered may close straight from registered');

-- the sender's type changed to anonymous while a name is kept: the row check reads the details
SELECT is(pg_temp.try(format($$UPDATE sqm.complaint SET sender_type = 'anonymous' WHERE id = %s$$, :c2)),
          format('23514: complaint %s from an anonymous sender cannot name its sender', :c2),
          'a matter made anonymous while its details name the sender: refused');
SELECT is(pg_temp.try(format($$UPDATE sqm.complaint_detail SET sender_name = 'Någon' WHERE id = %s$$, :c3)),
          format('23514: complaint %s from an anonymous sender cannot name its sender', :c3),
          'a name added to an anonymous matter''s details: refused');

-- withdrawal
SELECT is(pg_temp.try(format($$SELECT sqm.withdraw_complaint(%s, %s, 'registered', ' ')$$, :org, :c2)),
          format('SQ002: complaint %s cannot move from "registered" to "withdrawn" without withdrawn_reason', :c2),
          'withdrawing without a reason is refused');
SELECT lives_ok(format($$SELECT sqm.withdraw_complaint(%s, %s, 'registered', 'Registrerad två gånger')$$, :org, :c2),
                'a matter registered by mistake is withdrawn with its reason');
SELECT is(left(pg_temp.try(format($$UPDATE sqm.complaint SET channel = 'phone' WHERE id = %s$$, :c2)), 5), 'SQ004',
          'a withdrawn matter is not edited');

-- ====================================================================
-- The audit trail keeps the sender's identity out of the chain
-- ====================================================================
SELECT is((SELECT count(*) FROM sqm.audit_event e WHERE e.org_id = :org AND e.object_id = :c1
              AND (e.after ->> 'sender_name') LIKE 'sha256:%'), 1::bigint,
          'the sender''s name enters the audit trail as a salted digest');
SELECT is((SELECT count(*) FROM sqm.audit_event e WHERE e.org_id = :org AND e.object_id = :c1
              AND (e.after::text LIKE '%Exempelsson%' OR e.after::text LIKE '%bemötandet%')), 0::bigint,
          'no event of the matter holds the name or the answer in plain text');
SELECT is((SELECT string_agg(change || coalesce(':' || to_state, ''), ' ' ORDER BY seq) FROM sqm.audit_event WHERE org_id = :org AND object_id = :c1),
          'create:registered edit move:under_handling edit move:answered move:closed',
          'every call on the matter left its events (the details as edits)');
SELECT is((SELECT ok FROM sqm.verify(:org)), true, 'the cases agree with the trail');

-- ====================================================================
-- Links: a complaint that reveals a deviation, one that leads to lex Sarah,
-- a deviation forwarded to a complaint
-- ====================================================================
SELECT sqm.register_complaint(:org, :ua, '2025.004 SN', 'complaint', 'relative', '{treatment}', 'Fel insats',
                              'Anna Exempelsson', 'letter', NULL, '2025-03-03 09:00+01') AS c4 \gset
SELECT sqm.report_deviation(:org, :ua, 'SoL', '2025-03-01 10:00+01', 'Insatsen utfördes inte', '{info}', '2025-03-03 09:30+01') AS dev \gset
SELECT lives_ok(format($$SELECT sqm.link_cases(%s, 'complaint', %s, 'revealed', 'deviation', %s)$$, :org, :c4, :dev),
                'a complaint is linked to the deviation it revealed: both exist');
SELECT is((SELECT label FROM sqm.linked_cases(:org, 'deviation', :dev, 'en')), 'revealed by a complaint',
          'seen from the deviation, labelled from its side');
SELECT sqm.escalate_complaint(:org, :c4, '{"regime": "SoL", "happened_at": "2025-03-01 10:00+01", "reporter_name": "Bo Berg",
                                          "reporter_title": "Enhetschef", "reported_at": "2025-03-03 09:45+01"}') AS ls \gset
SELECT is((SELECT (r.source, r.unit_id = :ua, d.description)::text FROM sqm.lex_sarah_report r JOIN sqm.lex_sarah_report_detail d USING (org_id, id)
            WHERE r.id = :ls),
          '(complaint,t,"Fel insats")', 'a complaint leads to a lex Sarah report made by its constructor: source complaint, the complaint''s unit and summary');
SELECT ok(sqm.case_linked(:org, 'complaint', :c4, 'escalated_to', 'lex_sarah_report'), 'linked escalated_to');
SELECT is((SELECT state FROM sqm.complaint WHERE id = :c4), 'registered', 'the complaint keeps its own lifecycle');
SELECT is(left(pg_temp.as_role('tco_coordinator_b', format($$SELECT sqm.escalate_complaint(%s, %s, '{}')$$, :org, :c4)), 5), '42501',
          'another organisation''s coordinator cannot take a complaint to lex Sarah');
SELECT sqm.forward_deviation(:org, :dev, 'complaint', '{"regnr": "2025.005 SN", "sender_type": "relative", "subjects": ["treatment"]}') AS c5 \gset
SELECT is((SELECT (c.unit_id = :ua, c.received_at = d.reported_at, c.complaint_kind, x.summary)::text
             FROM sqm.complaint c JOIN sqm.complaint_detail x USING (org_id, id), sqm.deviation d
            WHERE c.id = :c5 AND d.id = :dev),
          '(t,t,complaint,"Insatsen utfördes inte")',
          'a deviation forwarded to a complaint: made by the constructor with the deviation''s unit, report time and description');
SELECT ok(sqm.case_linked(:org, 'deviation', :dev, 'forwarded_to', 'complaint'), 'linked forwarded_to; the deviation stays a deviation');
SELECT is(left(pg_temp.try(format($$SELECT sqm.complaint_from_case(%s, 'lex_sarah_report', %s, 'x', '{}')$$, :org, :ls)), 5), '22023',
          'the constructor makes a complaint only from a deviation');

-- ====================================================================
-- The answer deadline: 10 working days from the registration (routine)
-- ====================================================================
SELECT is((SELECT status || ' ' || to_char(due_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM-DD HH24:MI')
             FROM sqm.obligations(:org, rule => 'complaint_answered') WHERE object_id = :c4),
          'due 2025-03-18 00:00', 'registered Monday 3 March: due by the end of the tenth working day after (17 March)');
SELECT is((SELECT status FROM sqm.obligations(:org, rule => 'complaint_answered') WHERE object_id = :c1), 'met',
          'answered the next day: met');
SELECT is((SELECT count(*) FROM sqm.obligations(:org, rule => 'complaint_answered') WHERE object_id = :c2), 0::bigint,
          'a withdrawn matter has no answer deadline');
SELECT sqm.set_deadline(:org, 'complaint_answered', 5) \g /dev/null
SELECT is((SELECT to_char(due_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM-DD') FROM sqm.obligations(:org, rule => 'complaint_answered')
            WHERE object_id = :c4), '2025-03-11', 'the organisation''s own routine target (5 working days) counts');

-- ====================================================================
-- Statistics: a matter directed at no unit, the follow-up day
-- ====================================================================
SELECT is((SELECT string_agg(coalesce(unit_name, '?') || ' ' || cases, ', ' ORDER BY unit_id IS NULL, unit_name)
             FROM sqm.stat_complaint_per_unit WHERE org_id = :org AND period = '2025' AND complaint_kind = 'feedback'
              AND attribution = 'today' AND cases > 0),
          'ej riktade till en enhet 1',
          'a feedback item directed at no unit counts in its own row, not under the unit that handles it');
SELECT is((SELECT count(*) FROM sqm.stat_complaint_per_unit WHERE org_id = :org AND period = '2025' AND attribution = 'today'
              AND unit_id = :kval AND cases > 0), 0::bigint, 'the handling unit counts none of it');
SELECT is((SELECT cases || ' ' || answered FROM sqm.stat_complaint_per_kind WHERE org_id = :org AND period = '2025' AND complaint_kind = 'complaint'),
          '3 1', 'answered k of n: the matters of the period and those answered by the day they are counted on');
SELECT is((SELECT answered FROM sqm.complaints_answered_at(:org, '2025', '2025-03-02') WHERE complaint_kind = 'complaint'), 0,
          'on another day, the answers dated on or before it');
SELECT is(left(pg_temp.try(format($$SELECT sqm.set_complaint_follow_up(%s, '2025', '2025-12-31')$$, :org)), 5), '22023',
          'a follow-up day inside its period is refused');
SELECT sqm.set_complaint_follow_up(:org, '2024', '2025-02-14') \g /dev/null
SELECT is((SELECT follow_up_day FROM sqm.stat_complaint_summary WHERE org_id = :org AND period = '2024'), '2025-02-14'::date,
          'the organisation''s follow-up day of a period is the day answers are counted on');
SELECT is(pg_temp.try(format($$SELECT * FROM sqm.complaints_per_unit(%s, '2025', 'klagomal')$$, :org)),
          '22023: unknown kind of complaint "klagomal"', 'an unknown kind is refused');
SELECT is(pg_temp.try(format($$SELECT * FROM sqm.complaints_per_unit(%s, '2025')$$, :org + 1000)),
          format('42704: organisation %s does not exist', :org + 1000), 'an organisation that does not exist is refused');

-- ====================================================================
-- Access: a reporter sees their own unit's matters; the sender's identity
-- only those who handle complaints; nothing of another organisation
-- ====================================================================
SELECT is(pg_temp.as_role('tco_reporter_a', format($$SELECT sqm.register_complaint(%s, %s, '2025.010 SN', 'feedback', 'relative', '{treatment}', 'x')$$, :org, :ua)),
          'ok', 'a reporter registers a matter for their unit');
SELECT is(left(pg_temp.as_role('tco_reporter_a', format($$SELECT sqm.register_complaint(%s, %s, '2025.011 SN', 'feedback', 'relative', '{treatment}', 'x')$$, :org, :ub)), 5),
          '42501', 'but not for another unit');
SELECT is(pg_temp.value_as('tco_reporter_a', format('SELECT count(*) FROM sqm.complaint WHERE org_id = %s', :org)),
          (SELECT count(*)::text FROM sqm.complaint WHERE org_id = :org AND unit_id = :ua),
          'a reporter sees their own unit''s matters');
SELECT is(pg_temp.value_as('tco_reporter_a', format('SELECT count(*) FROM sqm.complaint WHERE org_id = %s AND unit_id <> %s', :org, :ua)), '0',
          'and none of another unit''s');
SELECT is(pg_temp.value_as('tco_reporter_b', format('SELECT count(*) FROM sqm.complaint WHERE org_id = %s AND unit_id = %s', :org, :ua)), '0',
          'a reporter of unit B sees nothing of unit A');
SELECT is(left(pg_temp.as_role(r, format('SELECT sender_name FROM sqm.complaint_detail WHERE org_id = %s', :org)), 5), '42501',
          format('%s cannot read the sender''s identity', r))
  FROM unnest(ARRAY['tco_reporter_a', 'tco_auditor', 'tco_reader']) r;
SELECT is(pg_temp.value_as('tco_manager_a', format('SELECT string_agg(sender_name, '','') FROM sqm.complaint_detail WHERE id = %s', :c4)),
          'Anna Exempelsson', 'the unit manager of the matter''s unit reads who sent it');
SELECT is(pg_temp.value_as('tco_manager_b', format('SELECT count(*) FROM sqm.complaint_detail WHERE org_id = %s AND id = %s', :org, :c4)), '0',
          'the unit manager of another unit does not');
SELECT is(pg_temp.value_as('tco_manager_b', format('SELECT count(*) FROM sqm.complaint WHERE org_id = %s AND id = %s', :org, :c4)), '0',
          'nor sees the matter');
SELECT is(pg_temp.value_as('tco_coordinator', format('SELECT count(*) FROM sqm.complaint_detail WHERE org_id = %s', :org)),
          (SELECT count(*)::text FROM sqm.complaint_detail WHERE org_id = :org), 'a quality coordinator reads every matter''s details');
SELECT is(pg_temp.value_as('tco_coordinator_b', format('SELECT count(*) FROM %s WHERE org_id = %s', t, :org)), '0',
          format('a coordinator of another organisation sees no row of %s', t))
  FROM unnest(ARRAY['sqm.complaint', 'sqm.complaint_detail', 'sqm.complaint_subject', 'sqm.complaint_follow_up']) t;
SELECT is(pg_temp.value_as('tco_reader', format('SELECT count(*) FROM sqm.complaint WHERE org_id = %s', :org)),
          (SELECT count(*)::text FROM sqm.complaint WHERE org_id = :org), 'a report reader counts every matter');
SELECT is(left(pg_temp.as_role('tco_reader', format('SELECT regnr FROM sqm.complaint WHERE org_id = %s', :org)), 5), '42501',
          'but reads no registry number');
SELECT is(left(pg_temp.as_role('tco_manager_b', format($$SELECT sqm.answer_complaint(%s, %s, 'registered', 'Svar', 'chef')$$, :org, :c4)), 5),
          '42704', 'the manager of another unit cannot answer the matter (as if it did not exist)');
SELECT is(left(pg_temp.as_role('tco_reporter_a', format($$SELECT sqm.start_complaint_handling(%s, %s, 'registered')$$, :org, :c4)), 5),
          '42501', 'a reporter does not handle complaints');
SELECT is(left(pg_temp.as_role('tco_coordinator_b', format(q, :org, :c4)), 5), '42501',
          format('another organisation''s coordinator: %s is refused', left(q, 45)))
  FROM unnest(ARRAY[$$SELECT sqm.start_complaint_handling(%s, %s, 'registered')$$,
                    $$SELECT sqm.answer_complaint(%s, %s, 'registered', 'x', 'y')$$,
                    $$SELECT sqm.close_complaint(%s, %s, 'registered')$$,
                    $$SELECT sqm.withdraw_complaint(%s, %s, 'registered', 'x')$$,
                    $$SELECT sqm.add_complaint_subject(%s, 'x', 'X', 'X', '2025-01-01') -- %s$$]) q;
SELECT is((SELECT count(*) FROM information_schema.role_table_grants
            WHERE table_schema = 'sqm' AND grantee LIKE 'sqm\_%' AND privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')
              AND table_name LIKE 'complaint%'), 0::bigint, 'no sqm role writes a complaint table directly');

SELECT * FROM finish();
ROLLBACK;
