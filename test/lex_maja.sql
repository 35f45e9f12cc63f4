-- Lex Maja reports (domain.md §3.5, src/kinds/lex_maja): every rule broken
-- through the API and by a direct superuser write, refused alike with the
-- same SQLSTATE and message, each condition on its own and the case just
-- inside it allowed; the bad input of issue 16 ("a lex Maja report sent
-- before it was registered", a taken registry number) with detail and hint,
-- nothing changed; the lifecycle, the legal basis by the day the animal was
-- found, the registry, the audit of the reporter, the yearly statistics and
-- access by unit, role and organisation.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(73);

SET LOCAL sqm.frozen_now = '2025-03-03 10:00+01';
SET LOCAL TimeZone = 'Europe/Stockholm';
SET LOCAL DateStyle = 'ISO, YMD';
SELECT sqm.create_roles() \g /dev/null
SELECT sqm.create_organisation('Djurskydd', 'SN') AS org \gset
SELECT sqm.create_unit(:org, 'Förvaltningen', 'administration', '2024-01-01') AS adm \gset
SELECT sqm.create_unit(:org, 'Enhet A', 'unit', '2024-01-01', :adm) AS ua \gset
SELECT sqm.create_unit(:org, 'Enhet B', 'unit', '2024-01-01', :adm) AS ub \gset
SELECT sqm.create_unit(:org, 'Enhet C', 'unit', '2024-01-01', :adm) AS uc \gset
SELECT sqm.end_unit(:org, :uc, '2024-12-31') \g /dev/null
SELECT sqm.create_organisation('Annan', 'SN') AS orgb \gset
SELECT sqm.create_unit(:orgb, 'Enhet B1', 'unit', '2024-01-01') AS b1 \gset

CREATE ROLE tlm_reporter_a IN ROLE sqm_reporter;
CREATE ROLE tlm_reporter_b IN ROLE sqm_reporter;
CREATE ROLE tlm_manager_a IN ROLE sqm_unit_manager;
CREATE ROLE tlm_manager_b IN ROLE sqm_unit_manager;
CREATE ROLE tlm_coordinator IN ROLE sqm_quality_coordinator;
CREATE ROLE tlm_coordinator_b IN ROLE sqm_quality_coordinator;
CREATE ROLE tlm_auditor IN ROLE sqm_auditor;
CREATE ROLE tlm_reader IN ROLE sqm_report_reader;
SELECT sqm.grant_membership(:org, 'tlm_reporter_a', 'reporter', :ua) \g /dev/null
SELECT sqm.grant_membership(:org, 'tlm_reporter_b', 'reporter', :ub) \g /dev/null
SELECT sqm.grant_membership(:org, 'tlm_manager_a', 'unit_manager', :ua) \g /dev/null
SELECT sqm.grant_membership(:org, 'tlm_manager_b', 'unit_manager', :ub) \g /dev/null
SELECT sqm.grant_membership(:org, 'tlm_coordinator', 'quality_coordinator') \g /dev/null
SELECT sqm.grant_membership(:orgb, 'tlm_coordinator_b', 'quality_coordinator') \g /dev/null
SELECT sqm.grant_membership(:org, 'tlm_auditor', 'auditor') \g /dev/null
SELECT sqm.grant_membership(:org, 'tlm_reader', 'report_reader') \g /dev/null

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

-- A report through the API (registered now unless told), and the same row
-- written directly (with its details and the basis the API would choose
-- unless told).
CREATE FUNCTION pg_temp.rep_api(u bigint, regnr text, observed text, registered text DEFAULT NULL) RETURNS text LANGUAGE sql AS $$
    SELECT pg_temp.try(format('SELECT sqm.report_lex_maja(%s, %s, %L, %L, ''Hund utan vatten på balkong'', ''Boendestödjare'', %L)',
                              current_setting('tst.org'), u, regnr, observed, registered))
$$;
CREATE FUNCTION pg_temp.rep_direct(id bigint, u bigint, regnr text, observed text, registered text DEFAULT NULL,
                                   basis text DEFAULT 'osl_10_20a') RETURNS text LANGUAGE sql AS $$
    SELECT pg_temp.try(format('INSERT INTO sqm.lex_maja (org_id, id, state, unit_id, regnr, observed_at, registered_at, legal_basis)
                               VALUES (%s, %s, ''registered'', %s, %L, %L, %L, %L);
                               INSERT INTO sqm.lex_maja_detail (org_id, id, reported_by, reporter_title, summary)
                               VALUES (%1$s, %2$s, ''direkt'', ''Boendestödjare'', ''Hund utan vatten på balkong'')',
                              current_setting('tst.org'), id, u, regnr, observed, coalesce(registered, sqm.now()::text), basis))
$$;
SELECT set_config('tst.org', :'org', true) \g /dev/null

-- ====================================================================
-- The row check (lex_maja.c, sqm.lex_maja_check)
-- ====================================================================
-- registered at the latest now
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.rep_api(:ua, '2025.501 SN', '2025-03-03 09:00+01', '2025-03-03 10:00:01+01'),
          format('23514: lex Maja report %s cannot be registered at 2025-03-03 10:00:01+01, which is in the future', :next),
          'registered in the future: refused through the API');
SELECT is(pg_temp.rep_direct(:next, :ua, '2025.501 SN', '2025-03-03 09:00+01', '2025-03-03 10:00:01+01'),
          format('23514: lex Maja report %s cannot be registered at 2025-03-03 10:00:01+01, which is in the future', :next),
          'registered in the future: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.rep_api(:ua, '2025.501 SN', '2025-03-03 09:00+01', '2025-03-03 10:00+01'), 'ok', 'registered exactly now is allowed');
-- the animal found at or before the registration
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.rep_api(:ua, '2025.501 SN', '2025-03-02 10:00:01+01', '2025-03-02 10:00+01'),
          format('23514: lex Maja report %s registered at 2025-03-02 10:00:00+01 cannot be about an animal found at 2025-03-02 10:00:01+01', :next),
          'an animal found after the registration: refused through the API');
SELECT is(pg_temp.rep_direct(:next, :ua, '2025.501 SN', '2025-03-02 10:00:01+01', '2025-03-02 10:00+01'),
          format('23514: lex Maja report %s registered at 2025-03-02 10:00:00+01 cannot be about an animal found at 2025-03-02 10:00:01+01', :next),
          'an animal found after the registration: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.rep_api(:ua, '2025.501 SN', '2025-03-02 10:00+01', '2025-03-02 10:00+01'), 'ok',
          'registered the moment the animal was found is allowed');
-- the unit existed on the registration date, in the organisation's time zone
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.rep_api(:uc, '2025.501 SN', '2024-12-31 12:00+01', '2025-01-01 00:30+01'),
          format('23503: unit %s of organisation %s did not exist on 2025-01-01, the registration date of lex Maja report %s', :uc, :org, :next),
          'a unit that had ended: refused through the API');
SELECT is(pg_temp.rep_direct(:next, :uc, '2025.501 SN', '2024-12-31 12:00+01', '2025-01-01 00:30+01'),
          format('23503: unit %s of organisation %s did not exist on 2025-01-01, the registration date of lex Maja report %s', :uc, :org, :next),
          'a unit that had ended: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.rep_api(:uc, '2025.501 SN', '2024-12-31 12:00+01', '2024-12-31 23:30+00'),
          format('23503: unit %s of organisation %s did not exist on 2025-01-01, the registration date of lex Maja report %s', :uc, :org, :next + 1),
          'the registration date is the organisation''s: 23:30 UTC on 31 December is 1 January in Stockholm');
SELECT is(pg_temp.rep_api(:uc, '2025.501 SN', '2024-12-31 12:00+01', '2024-12-31 23:30+01'), 'ok',
          'on the ended unit''s last day a report is registered for it');
-- the legal basis in force on the day the animal was found (10 kap. 20 a § OSL, from 2019-04-01)
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.try_full(format($$SELECT sqm.report_lex_maja(%s, %s, '2025.501 SN', '2019-03-31 23:30+02', 'x')$$, :org, :ua)),
          format('23503: no legal basis for lex Maja report %s of an animal found on 2019-03-31 / The provision of lex Maja, 10 kap. 20 a § OSL (2009:400), is in force from 2019-04-01. / sqm.lex_maja_basis lists the provisions and the days they apply to.', :next),
          'an animal found the day before the provision came into force: refused through the API, with detail and hint');
SELECT is(pg_temp.rep_direct(:next, :ua, '2025.501 SN', '2019-03-31 23:30+02'),
          format('23503: no legal basis for lex Maja report %s of an animal found on 2019-03-31', :next),
          'and refused directly, same SQLSTATE and message');
SELECT is(pg_temp.rep_api(:ua, '2025.501 SN', '2019-03-31 22:30+00'), 'ok',
          'the day the provision came into force, in the organisation''s time zone (22:30 UTC is 00:30 CEST), is allowed');
SELECT is(sqm.lex_maja_legal_basis(:org, '2024-06-01 12:00+02'), 'osl_10_20a', 'the basis chosen by the day');
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.rep_direct(:next, :ua, '2025.501 SN', '2025-03-02 10:00+01', NULL, NULL),
          format('23502: lex Maja report %s has no legal basis', :next), 'a direct writer without the basis is refused');
INSERT INTO sqm.lex_maja_basis (code, citation, label_sv, label_en, valid)
VALUES ('other', 'annan', 'Annan', 'Other', daterange('2030-01-01', NULL));
SELECT is(pg_temp.rep_direct(:next, :ua, '2025.501 SN', '2025-03-02 10:00+01', NULL, 'other'),
          format('23514: legal basis "other" does not apply to lex Maja report %s of an animal found on 2025-03-02', :next),
          'a direct writer with a basis not in force on the day is refused');
SELECT is((SELECT count(*) FROM sqm.lex_maja WHERE org_id = :org) + (SELECT count(*) FROM sqm.registry_entry WHERE org_id = :org), 0::bigint,
          'nothing of the refused reports remains: no report, no registry entry');

-- the reports the rest of the test works on
SELECT sqm.report_lex_maja(:org, :ua, '2025.010 SN', '2025-03-01 14:00+01', 'Katter utan mat i lägenheten', 'Boendestödjare',
                           '2025-03-01 16:00+01') AS m1 \gset
SELECT sqm.report_lex_maja(:org, :ub, '2025.011 SN', '2025-03-02 09:00+01', 'Häst i hage utan vatten', NULL,
                           '2025-03-02 11:00+01') AS m2 \gset
SELECT sqm.report_lex_maja(:org, :ua, '2025.012 SN', '2025-03-02 09:00+01', 'Registrerad två gånger', NULL,
                           '2025-03-02 12:00+01') AS m3 \gset
SELECT sqm.report_lex_maja(:orgb, :b1, '2025.010 SN', '2025-03-02 09:00+01', 'Annan organisation') AS mb \gset
SELECT is((SELECT (state, unit_id = :ua, legal_basis, registered_on, recipient IS NULL)::text FROM sqm.lex_maja WHERE id = :m1),
          '(registered,t,osl_10_20a,2025-03-01,t)', 'a report starts registered, with its basis and registration day');
SELECT is((SELECT (reported_by = session_user, reporter_title, summary)::text FROM sqm.lex_maja_detail WHERE id = :m1),
          '(t,Boendestödjare,"Katter utan mat i lägenheten")', 'who reported it, their title and what was found are in the details');

-- ====================================================================
-- The registry
-- ====================================================================
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.try_full(format($$SELECT sqm.report_lex_maja(%s, %s, 'SN 2025/10', '2025-03-02 09:00+01', 'x')$$, :org, :ub)),
          format('23505: registry number 2025.010 SN of organisation %s is already held by lex Maja report %s / A registry number belongs to one matter of an organisation, whatever its kind; lex Maja report %s cannot be registered under it. / Check the number in the registry; a new matter is registered under a number of its own.', :org, :m1, :next),
          'a taken registry number (in another style) is refused through the API, naming its holder, with detail and hint');
SELECT is(left(pg_temp.rep_direct(:next, :ub, '2025.010 SN', '2025-03-02 09:00+01'), 90),
          left(format('23505: registry number 2025.010 SN of organisation %s is already held by lex Maja report %s', :org, :m1), 90),
          'refused directly, naming its holder');
SELECT is((SELECT count(*) FROM sqm.lex_maja WHERE org_id = :org), 3::bigint, 'nothing was registered under it');
SELECT is(left(pg_temp.try(format($$SELECT sqm.report_lex_maja(%s, %s, NULL, '2025-03-02 09:00+01', 'x')$$, :org, :ub)), 5), '23502',
          'a report without a registry number is refused: a lex Maja report is registered');
SELECT is((SELECT kind FROM sqm.registry_entry WHERE org_id = :orgb AND regnr OPERATOR(sqm.=) '2025.010 SN'::sqm.regnr), 'lex_maja',
          'another organisation registers the same number for its own report');
SELECT is(left(pg_temp.try(format($$UPDATE sqm.lex_maja SET regnr = '2025.019 SN' WHERE id = %s$$, :m1)), 5), 'SQ010',
          'a registered number never changes');

-- ====================================================================
-- Sending (the bad input "a lex Maja report sent before it was registered")
-- ====================================================================
SELECT is(pg_temp.try_full(format($$SELECT sqm.send_lex_maja(%s, %s, 'registered', 'county_board', 'Länsstyrelsen', '2025-03-01 15:59:59+01')$$, :org, :m1)),
          format('23514: lex Maja report %s cannot be sent at 2025-03-01 15:59:59+01, before it was registered at 2025-03-01 16:00:00+01 / A lex Maja report is registered before it is sent to the county administrative board or the police. / Give when it was sent, after its registration; register it first if it was sent at once.', :m1),
          'sent before it was registered: refused through the API, with detail and hint');
SELECT is(pg_temp.try(format($$UPDATE sqm.lex_maja SET state = 'sent', recipient = 'county_board', sent_at = '2025-03-01 15:59:59+01' WHERE id = %s$$, :m1)),
          format('23514: lex Maja report %s cannot be sent at 2025-03-01 15:59:59+01, before it was registered at 2025-03-01 16:00:00+01', :m1),
          'sent before it was registered: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.try(format($$UPDATE sqm.lex_maja SET registered_at = '2025-03-03 09:00+01' WHERE id = %s$$, :m2)), 'ok',
          'a registration moved later while unsent is allowed');
SELECT sqm.send_lex_maja(:org, :m2, 'registered', 'police', NULL, '2025-03-02 13:00+01') \g /dev/null
SELECT is(pg_temp.try(format($$UPDATE sqm.lex_maja SET registered_at = '2025-03-02 13:00:01+01' WHERE id = %s$$, :m2)),
          format('23514: lex Maja report %s cannot be sent at 2025-03-02 13:00:00+01, before it was registered at 2025-03-02 13:00:01+01', :m2),
          'a registration moved after the sending: refused (the other condition of the rule)');
SELECT is((SELECT (state, sent_at)::text FROM sqm.lex_maja WHERE id = :m1), '(registered,)', 'nothing changed');
SELECT is(pg_temp.try(format($$SELECT sqm.send_lex_maja(%s, %s, 'registered', 'county_board', NULL, '2025-03-03 10:00:01+01')$$, :org, :m1)),
          format('23514: lex Maja report %s cannot be sent at 2025-03-03 10:00:01+01, which is in the future', :m1),
          'sent in the future: refused through the API');
SELECT is(pg_temp.try(format($$UPDATE sqm.lex_maja SET state = 'sent', recipient = 'county_board', sent_at = '2025-03-03 10:00:01+01' WHERE id = %s$$, :m1)),
          format('23514: lex Maja report %s cannot be sent at 2025-03-03 10:00:01+01, which is in the future', :m1),
          'sent in the future: refused directly');
SELECT is(pg_temp.try(format($$SELECT sqm.send_lex_maja(%s, %s, 'registered', NULL)$$, :org, :m1)),
          format('SQ002: lex Maja report %s cannot move from "registered" to "sent" without recipient', :m1),
          'sent without a recipient: refused');
SELECT is(left(pg_temp.try(format($$SELECT sqm.send_lex_maja(%s, %s, 'registered', 'grannen')$$, :org, :m1)), 5), '23514',
          'a recipient other than the county board or the police: refused');
SELECT is(left(pg_temp.try(format($$SELECT sqm.close_lex_maja(%s, %s, 'registered')$$, :org, :m1)), 5), 'SQ001',
          'a report is not closed before it is sent');
SELECT is(pg_temp.try(format($$SELECT sqm.send_lex_maja(%s, %s, 'registered', 'county_board', 'Länsstyrelsen i Västra Götalands län', '2025-03-01 16:00+01')$$, :org, :m1)),
          'ok', 'sent the moment it was registered is allowed');
SELECT lives_ok(format($$SELECT sqm.send_lex_maja(%s, %s, 'registered', 'county_board', 'Länsstyrelsen i Västra Götalands län', '2025-03-02 08:00+01')$$, :org, :m1),
                'sent to the county administrative board');
SELECT is((SELECT (state, recipient, recipient_name, sent_on)::text FROM sqm.lex_maja WHERE id = :m1),
          '(sent,county_board,"Länsstyrelsen i Västra Götalands län",2025-03-02)', 'sent, with its recipient and day');
SELECT lives_ok(format($$SELECT sqm.close_lex_maja(%s, %s, 'sent')$$, :org, :m1), 'and closed');
SELECT is(left(pg_temp.try(format($$UPDATE sqm.lex_maja_detail SET summary = 'ändrad' WHERE id = %s$$, :m1)), 5), 'SQ004',
          'a closed report''s details are not edited');

-- withdrawal
SELECT is(pg_temp.try(format($$SELECT sqm.withdraw_lex_maja(%s, %s, 'registered', ' ')$$, :org, :m3)),
          format('SQ002: lex Maja report %s cannot move from "registered" to "withdrawn" without withdrawn_reason', :m3),
          'withdrawing without a reason is refused');
SELECT lives_ok(format($$SELECT sqm.withdraw_lex_maja(%s, %s, 'registered', 'Registrerad två gånger')$$, :org, :m3),
                'a report registered twice is withdrawn with its reason');
SELECT is(left(pg_temp.try(format($$SELECT sqm.withdraw_lex_maja(%s, %s, 'sent', 'x')$$, :org, :m2)), 5), 'SQ001',
          'a sent report is not withdrawn');

-- ====================================================================
-- The audit trail keeps the reporter out of the chain
-- ====================================================================
SELECT is((SELECT string_agg(DISTINCT k, ',' ORDER BY k) FROM sqm.audit_event e, jsonb_each_text(e.after) AS j(k, v)
            WHERE e.org_id = :org AND e.object_id = :m1 AND k IN ('reported_by', 'reporter_title') AND v LIKE 'sha256:%'),
          'reported_by,reporter_title', 'who reported and their title enter the audit trail as salted digests');
SELECT is((SELECT count(*) FROM sqm.audit_event e WHERE e.org_id = :org AND e.object_id = :m1
              AND (e.after::text LIKE '%Boendestödjare%' OR e.after::text LIKE '%Katter%')), 0::bigint,
          'no event of the report holds the reporter or what was found in plain text');
SELECT is((SELECT string_agg(change || coalesce(':' || to_state, ''), ' ' ORDER BY seq) FROM sqm.audit_event WHERE org_id = :org AND object_id = :m1),
          'create:registered edit move:sent move:closed', 'every call on the report left its events (the details as an edit)');
SELECT is((SELECT ok FROM sqm.verify(:org)), true, 'the cases agree with the trail');

-- ====================================================================
-- Statistics: counted per year by the registration day; a withdrawn
-- report is not counted; a year with none has its row
-- ====================================================================
SELECT sqm.report_lex_maja(:org, :ua, '2025.001 SN', '2024-12-31 20:00+00', 'Nyår', NULL, '2024-12-31 23:30+00') AS m4 \gset
SELECT is((SELECT registered_on FROM sqm.lex_maja WHERE id = :m4), '2025-01-01'::date,
          '23:30 UTC on New Year''s Eve is New Year''s Day in Stockholm: counted in 2025');
SELECT is((SELECT (reports, sent_to_county_board, sent_to_police, not_sent)::text FROM sqm.stat_lex_maja_summary WHERE org_id = :org AND period = '2025'),
          '(3,1,1,1)', '2025: three reports (the withdrawn one not counted), to the county board, the police, not yet sent');
SELECT is((SELECT reports FROM sqm.stat_lex_maja_summary WHERE org_id = :org AND period = '2024'), 0,
          '2024: none, a row of its own');
SELECT is(pg_temp.value_as('tlm_reader', format($$SELECT reports FROM sqm.stat_lex_maja_summary WHERE org_id = %s AND period = '2025'$$, :org)), '3',
          'a report reader reads the yearly count');

-- ====================================================================
-- Access: a reporter sees their own unit's reports; who reported and what
-- was found only those who handle them; nothing of another organisation
-- ====================================================================
SELECT is(pg_temp.as_role('tlm_reporter_a', format($$SELECT sqm.report_lex_maja(%s, %s, '2025.020 SN', '2025-03-03 08:00+01', 'x')$$, :org, :ua)),
          'ok', 'a reporter reports for their unit');
SELECT is(left(pg_temp.as_role('tlm_reporter_a', format($$SELECT sqm.report_lex_maja(%s, %s, '2025.021 SN', '2025-03-03 08:00+01', 'x')$$, :org, :ub)), 5),
          '42501', 'but not for another unit');
SELECT is(pg_temp.value_as('tlm_reporter_a', format('SELECT count(*) FROM sqm.lex_maja WHERE org_id = %s', :org)),
          (SELECT count(*)::text FROM sqm.lex_maja WHERE org_id = :org AND unit_id = :ua), 'a reporter sees their own unit''s reports');
SELECT is(pg_temp.value_as('tlm_reporter_b', format('SELECT count(*) FROM sqm.lex_maja WHERE org_id = %s AND unit_id = %s', :org, :ua)), '0',
          'a reporter of unit B sees nothing of unit A');
SELECT is(left(pg_temp.as_role('tlm_reporter_a', format($$SELECT sqm.send_lex_maja(%s, %s, 'registered', 'police')$$, :org, :m4)), 5), '42501',
          'a reporter does not send reports');
SELECT is(left(pg_temp.as_role(r, format('SELECT reported_by FROM sqm.lex_maja_detail WHERE org_id = %s', :org)), 5), '42501',
          format('%s cannot read who reported', r))
  FROM unnest(ARRAY['tlm_reporter_a', 'tlm_auditor', 'tlm_reader']) r;
SELECT is(pg_temp.value_as('tlm_manager_a', format('SELECT summary FROM sqm.lex_maja_detail WHERE id = %s', :m4)), 'Nyår',
          'the unit manager of the report''s unit reads what was found');
SELECT is(pg_temp.value_as('tlm_manager_b', format('SELECT count(*) FROM sqm.lex_maja_detail WHERE org_id = %s AND id = %s', :org, :m4)), '0',
          'the unit manager of another unit does not');
SELECT is(left(pg_temp.as_role('tlm_manager_b', format($$SELECT sqm.send_lex_maja(%s, %s, 'registered', 'police')$$, :org, :m4)), 5), '42704',
          'nor sends it (as if it did not exist)');
SELECT is(pg_temp.as_role('tlm_manager_a', format($$SELECT sqm.send_lex_maja(%s, %s, 'registered', 'police')$$, :org, :m4)), 'ok',
          'the unit manager of its unit sends it');
SELECT is(pg_temp.value_as('tlm_reader', format('SELECT count(*) FROM sqm.lex_maja WHERE org_id = %s', :org)),
          (SELECT count(*)::text FROM sqm.lex_maja WHERE org_id = :org), 'a report reader counts every report');
SELECT is(left(pg_temp.as_role('tlm_reader', format('SELECT regnr FROM sqm.lex_maja WHERE org_id = %s', :org)), 5), '42501',
          'but reads no registry number');
SELECT is(left(pg_temp.as_role('tlm_reader', format('SELECT observed_at FROM sqm.lex_maja WHERE org_id = %s', :org)), 5), '42501',
          'nor an exact time');
SELECT is(pg_temp.value_as('tlm_coordinator_b', format('SELECT count(*) FROM %s WHERE org_id = %s', t, :org)), '0',
          format('a coordinator of another organisation sees no row of %s', t))
  FROM unnest(ARRAY['sqm.lex_maja', 'sqm.lex_maja_detail']) t;
SELECT is(left(pg_temp.as_role('tlm_coordinator_b', format(q, :org, :m4)), 5), '42501',
          format('another organisation''s coordinator: %s is refused', left(q, 40)))
  FROM unnest(ARRAY[$$SELECT sqm.send_lex_maja(%s, %s, 'registered', 'police')$$,
                    $$SELECT sqm.withdraw_lex_maja(%s, %s, 'registered', 'x')$$,
                    $$SELECT sqm.report_lex_maja(%s, %s, '2025.099 SN', '2025-03-01', 'x')$$]) q;
SELECT is(pg_temp.value_as('tlm_reader', 'SELECT count(*) FROM sqm.lex_maja_basis'), '2', 'every member reads the legal bases');
SELECT is((SELECT count(*) FROM information_schema.role_table_grants
            WHERE table_schema = 'sqm' AND grantee LIKE 'sqm\_%' AND privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')
              AND table_name LIKE 'lex_maja%'), 0::bigint, 'no sqm role writes a lex Maja table directly');

SELECT * FROM finish();
ROLLBACK;
