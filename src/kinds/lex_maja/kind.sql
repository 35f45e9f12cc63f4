-- Lex Maja (domain.md §3.5): a report, breaking confidentiality, that staff
-- found an animal in distress -- clearly neglected or mistreated, or plainly
-- ill or badly injured -- sent to the control authority for animal welfare
-- (the county administrative board) or the police.  The provision is 10 kap.
-- 20 a § of the Public Access to Information and Secrecy Act (offentlighets-
-- och sekretesslagen, OSL 2009:400), in force since 1 April 2019 (SFS
-- 2018:1194).  The report is registered (a registry number), sent, and
-- closed; withdrawn with a reason.  Counted per year.
--
--   sqm.lex_maja_basis   the provisions a report rests on, by the day the
--                        animal was found (data, as lex Sarah's bases are)
--   sqm.lex_maja         governed (kind lex_maja): what statistics need
--   sqm.lex_maja_detail  who reported it and their title, what was found,
--                        why it was withdrawn
--
-- Every rule is C (lex_maja.c): the row check of the report.  Nobody but the
-- API functions (api.sql) writes the tables; sqm.govern wires them.

-- ---------------------------------------------------------------------------
-- The legal basis, by the day the animal was found (not dumped: the script
-- recreates it).

CREATE TABLE sqm.lex_maja_basis (
    code      text PRIMARY KEY CHECK (code OPERATOR(pg_catalog.~) '^[a-z][a-z0-9_]*$'),
    citation  text NOT NULL,
    label_sv  text NOT NULL,
    label_en  text NOT NULL,
    valid     daterange NOT NULL CHECK (NOT pg_catalog.isempty(valid))
);
COMMENT ON TABLE sqm.lex_maja_basis IS
  'The provisions a lex Maja report rests on, per period of validity; a report gets the one valid on the day the animal was found (in the organisation''s time zone)';
COMMENT ON COLUMN sqm.lex_maja_basis.citation IS 'The provision as cited, e.g. 10 kap. 20 a § offentlighets- och sekretesslagen (2009:400)';
COMMENT ON COLUMN sqm.lex_maja_basis.valid IS 'Days of observation the basis applies to';

INSERT INTO sqm.lex_maja_basis (code, citation, label_sv, label_en, valid) VALUES
    ('osl_10_20a', '10 kap. 20 a § offentlighets- och sekretesslagen (2009:400)',
     'Lex Maja enligt 10 kap. 20 a § OSL', 'Lex Maja under chapter 10 section 20 a of the Public Access to Information and Secrecy Act',
     daterange('2019-04-01', NULL));
REVOKE ALL ON sqm.lex_maja_basis FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- The governed table and its details.

CREATE TABLE sqm.lex_maja (
    org_id          bigint NOT NULL REFERENCES sqm.organisation,
    id              bigint NOT NULL DEFAULT pg_catalog.nextval('sqm.case_id_seq'),
    state           text NOT NULL,
    unit_id         bigint NOT NULL,
    regnr           sqm.regnr NOT NULL,
    observed_at     timestamptz NOT NULL,
    registered_at   timestamptz NOT NULL,
    legal_basis     text NOT NULL REFERENCES sqm.lex_maja_basis,
    recipient       text CHECK (recipient IN ('county_board', 'police')),
    recipient_name  text CHECK (pg_catalog.btrim(recipient_name) OPERATOR(pg_catalog.<>) ''),
    sent_at         timestamptz,
    closed_at       timestamptz,
    -- the days statistics count by, in the organisation's time zone, kept by
    -- the trigger sqm.count_days sets up (below), for every writer
    registered_on   date,
    sent_on         date,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, unit_id) REFERENCES sqm.unit,
    CHECK (observed_at OPERATOR(pg_catalog.<=) registered_at),
    CHECK ((recipient IS NULL) OPERATOR(pg_catalog.=) (sent_at IS NULL))
);
COMMENT ON TABLE sqm.lex_maja IS
  'Lex Maja reports (animals in distress found by staff, reported to the county administrative board or the police): a governed table, written only through the sqm.*lex_maja* functions; who reported it and what was found are in sqm.lex_maja_detail';
COMMENT ON COLUMN sqm.lex_maja.unit_id IS 'The unit whose staff found the animal';
COMMENT ON COLUMN sqm.lex_maja.regnr IS
  'Registry number (diarienummer), claimed in the organisation''s registry (unique per organisation across every kind); never changes';
COMMENT ON COLUMN sqm.lex_maja.observed_at IS 'When staff found the animal; chooses the legal basis';
COMMENT ON COLUMN sqm.lex_maja.registered_at IS 'When the report was registered: the moment it counts by';
COMMENT ON COLUMN sqm.lex_maja.legal_basis IS
  'The basis valid on the day the animal was found (sqm.lex_maja_basis; sqm.lex_maja_legal_basis chooses it, the row check refuses another)';
COMMENT ON COLUMN sqm.lex_maja.recipient IS 'Who it was sent to: county_board (the control authority for animal welfare) or police';
COMMENT ON COLUMN sqm.lex_maja.recipient_name IS
  'The authority it was sent to by name (e.g. Länsstyrelsen i Västra Götalands län) -- an authority, not a person, so it stays on the case row';
COMMENT ON COLUMN sqm.lex_maja.sent_at IS 'When it was sent to the recipient (after it was registered)';
COMMENT ON COLUMN sqm.lex_maja.closed_at IS 'When it was closed';
COMMENT ON COLUMN sqm.lex_maja.registered_on IS
  'The registration date in the organisation''s time zone: the day statistics count it on (filled in from registered_at)';
COMMENT ON COLUMN sqm.lex_maja.sent_on IS 'The day it was sent, in the organisation''s time zone (filled in from sent_at)';

CREATE TABLE sqm.lex_maja_detail (
    org_id            bigint NOT NULL,
    id                bigint NOT NULL,
    reported_by       text NOT NULL,
    reporter_title    text,
    summary           text NOT NULL,
    withdrawn_reason  text,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, id) REFERENCES sqm.lex_maja
);
COMMENT ON TABLE sqm.lex_maja_detail IS
  'Who made a lex Maja report and what was found, one row per report; readable only by those who handle them (unit managers, investigators, quality coordinators) with read_cases for its unit';
COMMENT ON COLUMN sqm.lex_maja_detail.reported_by IS 'Who entered the report (sqm.caller_identity())';
COMMENT ON COLUMN sqm.lex_maja_detail.reporter_title IS 'The title of the staff member who found the animal';
COMMENT ON COLUMN sqm.lex_maja_detail.summary IS 'What was found, without more about the person than the report needs';
COMMENT ON COLUMN sqm.lex_maja_detail.withdrawn_reason IS 'Why it was withdrawn (required to withdraw)';

-- ---------------------------------------------------------------------------
-- Rules for every writer (lex_maja.c).

-- The basis of a report: the one valid on the day the animal was found, in the
-- organisation's time zone; NULL if there is none.
CREATE FUNCTION sqm.lex_maja_legal_basis(org bigint, observed_at timestamptz) RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT b.code FROM sqm.lex_maja_basis b, sqm.organisation o
     WHERE o.org_id = org AND b.valid @> (observed_at AT TIME ZONE o.time_zone)::date
     ORDER BY b.code LIMIT 1;
END;
COMMENT ON FUNCTION sqm.lex_maja_legal_basis(bigint, timestamptz) IS
  'The legal basis (sqm.lex_maja_basis) of a lex Maja report: the one valid on the day the animal was found, in the organisation''s time zone; NULL if there is none';

CREATE FUNCTION sqm.lex_maja_check(new sqm.lex_maja, old sqm.lex_maja) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_lex_maja_check' LANGUAGE C;
COMMENT ON FUNCTION sqm.lex_maja_check(sqm.lex_maja, sqm.lex_maja) IS
  'Row check of lex Maja reports (C, called by the lifecycle engine): registered at the latest now and not before the animal was found (23514); its unit existed on the registration date (23503); the legal basis valid on the day the animal was found (23503 none, 23502 missing, 23514 another); sent after it was registered and at the latest now (23514)';
REVOKE ALL ON FUNCTION sqm.lex_maja_legal_basis(bigint, timestamptz), sqm.lex_maja_check(sqm.lex_maja, sqm.lex_maja) FROM PUBLIC;

-- The row check caches the bases per backend; a change reaches every session.
SELECT sqm.watch_reference('sqm.lex_maja_basis');

-- ---------------------------------------------------------------------------
-- The govern call.  Who may read the cases of the unit, or report for it,
-- sees the report's row; the details only the roles that handle them.

SELECT sqm.govern('lex_maja', 'sqm.lex_maja',
    classes => '{"internal": ["org_id", "id"],
                 "statistic": ["state", "unit_id", "legal_basis", "recipient", "recipient_name", "registered_on", "sent_on"],
                 "exact_time": ["observed_at", "registered_at", "sent_at", "closed_at"],
                 "registry_number": ["regnr"]}',
    label_sv => 'lex Maja-anmälan', label_en => 'lex Maja report',
    details => 'sqm.lex_maja_detail',
    details_classes => '{"internal": ["org_id", "id"], "personal": ["reported_by", "reporter_title"],
                         "free_text": ["summary", "withdrawn_reason"]}',
    visible => 'sqm.may_see(org_id, unit_id, NULL) OR sqm.may(org_id, unit_id, ''report_lex_maja'')',
    row_check => 'sqm.lex_maja_check(sqm.lex_maja, sqm.lex_maja)',
    row_check_on => '{org_id,unit_id,observed_at,registered_at,legal_basis,sent_at}',
    announce => true,
    readers => '{reporter,handlers,auditor,report_reader}',
    details_readers => '{handlers}');
SELECT sqm.count_days('sqm.lex_maja', '{"registered_on": ["registered_at"], "sent_on": ["sent_at"]}');
SELECT sqm.classify('sqm.lex_maja_basis', '{"statistic": ["code", "citation", "label_sv", "label_en", "valid"]}', 'lex_maja');

-- ---------------------------------------------------------------------------
-- Lifecycle, as data: registered → sent (recipient, date) → closed;
-- registered → withdrawn with a reason.

INSERT INTO sqm.lifecycle_state (kind, state, initial, terminal, label_sv, label_en, builtin) VALUES
    ('lex_maja', 'registered', true,  false, 'registrerad', 'registered', true),
    ('lex_maja', 'sent',       false, false, 'skickad',     'sent',       true),
    ('lex_maja', 'closed',     false, true,  'avslutad',    'closed',     true),
    ('lex_maja', 'withdrawn',  false, true,  'återtagen',   'withdrawn',  true);

INSERT INTO sqm.lifecycle_move (kind, from_state, to_state, capability, guard, requires, builtin) VALUES
    ('lex_maja', 'registered', 'sent',      'handle_lex_maja', NULL, '{recipient,sent_at}', true),
    ('lex_maja', 'sent',       'closed',    'handle_lex_maja', NULL, '{closed_at}', true),
    ('lex_maja', 'registered', 'withdrawn', 'handle_lex_maja', NULL, '{withdrawn_reason}', true);

INSERT INTO sqm.lifecycle_action (kind, action, column_name, capability, label_en, builtin) VALUES
    ('lex_maja', 'create', NULL, 'report_lex_maja', 'report animals in distress for', true),
    ('lex_maja', 'edit', NULL, 'handle_lex_maja', 'edit', true);

-- Who may do what by default: any staff member reports what they found, for
-- their unit; unit managers, investigators and quality coordinators send,
-- close and withdraw.
INSERT INTO sqm.role_capability (role, capability) VALUES
    ('reporter', 'report_lex_maja'), ('unit_manager', 'report_lex_maja'),
    ('investigator', 'report_lex_maja'), ('quality_coordinator', 'report_lex_maja'),
    ('unit_manager', 'handle_lex_maja'), ('investigator', 'handle_lex_maja'), ('quality_coordinator', 'handle_lex_maja');

-- Privileges of the legal bases: every member reads them.
SELECT sqm.grant_privilege('lex_maja', 'SELECT ON sqm.lex_maja_basis', '{everyone}');
SELECT sqm.grant_privilege('lex_maja', 'EXECUTE ON FUNCTION sqm.lex_maja_legal_basis(bigint, timestamptz)', '{everyone}');
