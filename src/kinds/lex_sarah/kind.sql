-- Lex Sarah (domain.md §3.2, doc/lex_sarah.md): reports of an impropriety or
-- a tangible risk of one, investigations that may cover several reports, the
-- documentation SOSFS 2011:5 ch. 5 requires, the outcome by severity, and the
-- notification to IVO with IVO's answers.
--
--   sqm.lex_sarah_report         governed (kind lex_sarah_report): one report
--   sqm.lex_sarah_report_detail  its description
--   sqm.lex_sarah_reporter       who reported it, kept apart, stricter access
--   sqm.lex_sarah_investigation  governed (kind lex_sarah_investigation)
--   sqm.lex_sarah_investigation_detail  early position, who decided seriousness
--   sqm.lex_sarah_record         append-only: what the investigation documents
--   sqm.ivo_notification         governed (kind ivo_notification)
--   sqm.ivo_notification_detail  contents, who decided, why withdrawn
--   sqm.ivo_supplement           append-only: later information sent to IVO
--   sqm.ivo_answer               append-only: IVO's answers
--   sqm.legal_basis              the law a report falls under, by event date
--   sqm.lex_sarah_item           what a record documents; which are required
--   sqm.lex_sarah_theme          the organisation's taxonomy of deficiencies
--   sqm.organisation_setting     routine targets (lex_sarah_routing_target)
--
-- The guards that need logic are C (lex_sarah.c), the rules of a report a
-- row check.  Nobody but the API functions (api.sql) writes to these tables;
-- sqm.govern and sqm.govern_records wire them.

-- ---------------------------------------------------------------------------
-- Outcome, ordered by severity.

CREATE TYPE sqm.lex_sarah_outcome AS ENUM (
    'no_impropriety', 'risk_of_impropriety', 'impropriety',
    'risk_of_serious_impropriety', 'serious_impropriety');
COMMENT ON TYPE sqm.lex_sarah_outcome IS
  'Outcome of a lex Sarah investigation, ordered by severity: no_impropriety < risk_of_impropriety < impropriety < risk_of_serious_impropriety < serious_impropriety; the last two are serious';

CREATE FUNCTION sqm.is_serious(outcome sqm.lex_sarah_outcome) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN outcome OPERATOR(pg_catalog.>=) 'risk_of_serious_impropriety'::sqm.lex_sarah_outcome;
COMMENT ON FUNCTION sqm.is_serious(sqm.lex_sarah_outcome) IS
  'Whether an outcome is serious (a serious impropriety or a tangible risk of one) and so must be notified to IVO';

-- ---------------------------------------------------------------------------
-- Reference data installed by sqm (not dumped: the script recreates it).

CREATE TABLE sqm.legal_basis (
    code      text PRIMARY KEY CHECK (code OPERATOR(pg_catalog.~) '^[a-z][a-z0-9_]*$'),
    regime    text NOT NULL CHECK (regime IN ('SoL', 'LSS')),
    citation  text NOT NULL,
    label_sv  text NOT NULL,
    label_en  text NOT NULL,
    valid     daterange NOT NULL CHECK (NOT pg_catalog.isempty(valid))
);
COMMENT ON TABLE sqm.legal_basis IS
  'The provisions a lex Sarah report falls under, per regime and period of validity; a report gets the one valid on the day of the event (in the organisation''s time zone)';
COMMENT ON COLUMN sqm.legal_basis.citation IS 'The provisions as cited, e.g. 14 kap. socialtjänstlagen (2001:453)';
COMMENT ON COLUMN sqm.legal_basis.valid IS 'Days of events the basis applies to';

INSERT INTO sqm.legal_basis (code, regime, citation, label_sv, label_en, valid) VALUES
    ('sol_2001_ch14', 'SoL', '14 kap. socialtjänstlagen (2001:453)',
     'Lex Sarah enligt 14 kap. SoL (2001:453)', 'Lex Sarah under chapter 14 of the Social Services Act (2001:453)',
     daterange(NULL, '2025-07-01')),
    ('lss_24b_24g', 'LSS', '24 b–24 g §§ lagen (1993:387) om stöd och service till vissa funktionshindrade',
     'Lex Sarah enligt 24 b–24 g §§ LSS', 'Lex Sarah under sections 24 b–24 g of the LSS act (1993:387)',
     daterange(NULL, '2025-07-01')),
    ('sol_2025_ch27', 'SoL', '27 kap. socialtjänstlagen (2025:400)',
     'Lex Sarah enligt 27 kap. SoL (2025:400)', 'Lex Sarah under chapter 27 of the Social Services Act (2025:400)',
     daterange('2025-07-01', NULL)),
    ('lss_sol_2025_ch27', 'LSS', '27 kap. socialtjänstlagen (2025:400)',
     'Lex Sarah i LSS-verksamhet enligt 27 kap. SoL (2025:400)',
     'Lex Sarah in LSS services under chapter 27 of the Social Services Act (2025:400)',
     daterange('2025-07-01', NULL));

-- What an investigation documents (SOSFS 2011:5 ch. 5).  Completion needs a
-- record of every required item; a measure carries the date it was taken.
CREATE TABLE sqm.lex_sarah_item (
    item      text PRIMARY KEY CHECK (item OPERATOR(pg_catalog.~) '^[a-z][a-z0-9_]*$'),
    ord       integer NOT NULL UNIQUE,
    required  boolean NOT NULL,
    label_sv  text NOT NULL,
    label_en  text NOT NULL
);
COMMENT ON TABLE sqm.lex_sarah_item IS
  'What a lex Sarah record documents (SOSFS 2011:5 ch. 5); an investigation is completed only with a record of every required item';

INSERT INTO sqm.lex_sarah_item (item, ord, required, label_sv, label_en) VALUES
    ('what_happened',     1, true,  'Vad som hänt och vilka konsekvenser det fått eller kunnat få för den enskilde',
                                    'What happened and its consequences, or possible consequences, for the person'),
    ('when_happened',     2, true,  'När missförhållandet inträffade', 'When it happened'),
    ('how_noticed',       3, true,  'När och hur det uppmärksammades', 'When and how it came to attention'),
    ('causes',            4, true,  'Orsaker som utredningen kommit fram till', 'The causes found'),
    ('happened_before',   5, true,  'Om något liknande inträffat tidigare och varför det hänt igen',
                                    'Whether something similar happened before, and why it happened again'),
    ('recurrence_risk',   6, true,  'Om det kan inträffa igen', 'Whether it could happen again'),
    ('measure',           7, true,  'Åtgärder som vidtagits, med datum', 'Measures taken, each with its date'),
    ('position',          8, true,  'Beslut eller ställningstagande som avslutar utredningen',
                                    'The decision or position that closes the investigation'),
    ('protective_action', 9, false, 'Omedelbara åtgärder för att skydda den enskilde', 'Immediate action to protect the person'),
    ('other',            10, false, 'Annat som framkommit', 'Anything else that emerged');

REVOKE ALL ON sqm.legal_basis, sqm.lex_sarah_item FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- Organisation data.

-- Routine targets an organisation sets (domain.md §4); one row per
-- organisation, absent means every default.
CREATE TABLE sqm.organisation_setting (
    org_id                    bigint PRIMARY KEY REFERENCES sqm.organisation,
    lex_sarah_routing_target  interval NOT NULL DEFAULT '1 day'
                              CHECK (lex_sarah_routing_target OPERATOR(pg_catalog.>) '0'::interval)
);
COMMENT ON TABLE sqm.organisation_setting IS
  'Routine targets of an organisation (domain.md §4); without a row, every setting has its default';
COMMENT ON COLUMN sqm.organisation_setting.lex_sarah_routing_target IS
  'How long a lex Sarah report may wait before it is assigned to an investigation (default 1 day); sqm.lex_sarah_unassigned flags reports past it';
SELECT pg_catalog.pg_extension_config_dump('sqm.organisation_setting', '');

CREATE TABLE sqm.lex_sarah_theme (
    org_id    bigint NOT NULL REFERENCES sqm.organisation,
    code      text NOT NULL CHECK (code OPERATOR(pg_catalog.~) '^[a-z][a-z0-9_]*$'),
    label_sv  text NOT NULL,
    label_en  text NOT NULL,
    valid     daterange NOT NULL CHECK (NOT pg_catalog.lower_inf(valid)),
    PRIMARY KEY (org_id, code)
);
COMMENT ON TABLE sqm.lex_sarah_theme IS
  'An organisation''s taxonomy of the deficiencies lex Sarah investigations find (sv/en labels), each valid for a period';
SELECT pg_catalog.pg_extension_config_dump('sqm.lex_sarah_theme', '');

-- ---------------------------------------------------------------------------
-- Governed tables.

CREATE TABLE sqm.lex_sarah_investigation (
    org_id                  bigint NOT NULL REFERENCES sqm.organisation,
    id                      bigint NOT NULL DEFAULT pg_catalog.nextval('sqm.case_id_seq'),
    state                   text NOT NULL,
    unit_id                 bigint NOT NULL,
    opened_at               timestamptz NOT NULL,
    started_at              timestamptz,
    assessed_at             timestamptz,
    completed_at            timestamptz,
    closed_at               timestamptz,
    outcome                 sqm.lex_sarah_outcome,
    seriousness_decided_at  timestamptz,
    themes                  text[] NOT NULL DEFAULT '{}',
    -- the days statistics count by (organisation's time zone), kept by the
    -- trigger sqm.count_days sets up (below)
    opened_on               date,
    completed_on            date,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, unit_id) REFERENCES sqm.unit,
    CHECK (pg_catalog.array_position(themes, NULL) IS NULL)
);
COMMENT ON TABLE sqm.lex_sarah_investigation IS
  'Lex Sarah investigations (utredningar): a governed table; one investigation can cover several reports (sqm.lex_sarah_report.investigation_id)';
COMMENT ON COLUMN sqm.lex_sarah_investigation.unit_id IS 'The leading unit; the reports it covers may come from other units of the organisation';
COMMENT ON COLUMN sqm.lex_sarah_investigation.outcome IS
  'The assessment, ordered by severity; a serious one (sqm.is_serious) is decided by the designated role (capability decide_seriousness, quality coordinators) and notified to IVO';
COMMENT ON COLUMN sqm.lex_sarah_investigation.seriousness_decided_at IS
  'When the outcome was first assessed as serious (the clock of the IVO notification starts here); NULL while it is not serious';
COMMENT ON COLUMN sqm.lex_sarah_investigation.themes IS 'Codes from sqm.lex_sarah_theme: the deficiencies found';
COMMENT ON COLUMN sqm.lex_sarah_investigation.opened_at IS 'When it was opened';
COMMENT ON COLUMN sqm.lex_sarah_investigation.started_at IS 'When investigating started';
COMMENT ON COLUMN sqm.lex_sarah_investigation.assessed_at IS 'When the outcome was (last) assessed';
COMMENT ON COLUMN sqm.lex_sarah_investigation.completed_at IS 'When it was completed (the published figure counts by this date)';
COMMENT ON COLUMN sqm.lex_sarah_investigation.closed_at IS 'When it was closed (an early close counts as completed then)';
COMMENT ON COLUMN sqm.lex_sarah_investigation.opened_on IS 'The day it was opened, in the organisation''s time zone (filled in)';
COMMENT ON COLUMN sqm.lex_sarah_investigation.completed_on IS
  'The day it was completed (an early close: closed), in the organisation''s time zone: the day the published figure counts it on (filled in)';

CREATE TABLE sqm.lex_sarah_investigation_detail (
    org_id                  bigint NOT NULL,
    id                      bigint NOT NULL,
    early_position          text,
    seriousness_decided_by  text,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, id) REFERENCES sqm.lex_sarah_investigation
);
COMMENT ON TABLE sqm.lex_sarah_investigation_detail IS
  'The free text and personal data of a lex Sarah investigation, one row per investigation; readable with read_cases for its unit or the unit of one of its reports';
COMMENT ON COLUMN sqm.lex_sarah_investigation_detail.early_position IS
  'The documented position of an investigation closed early because there clearly was no impropriety';
COMMENT ON COLUMN sqm.lex_sarah_investigation_detail.seriousness_decided_by IS 'Who decided that the outcome is serious';

CREATE TABLE sqm.lex_sarah_report (
    org_id            bigint NOT NULL REFERENCES sqm.organisation,
    id                bigint NOT NULL DEFAULT pg_catalog.nextval('sqm.case_id_seq'),
    state             text NOT NULL,
    unit_id           bigint NOT NULL,
    regime            text NOT NULL CHECK (regime IN ('SoL', 'LSS')),
    happened_at       timestamptz NOT NULL,
    reported_at       timestamptz NOT NULL,
    received_at       timestamptz,
    source            text NOT NULL DEFAULT 'staff' CHECK (source IN ('staff', 'deviation', 'complaint')),
    legal_basis       text NOT NULL REFERENCES sqm.legal_basis,
    investigation_id  bigint,
    assigned_at       timestamptz,
    reported_on       date,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, unit_id) REFERENCES sqm.unit,
    FOREIGN KEY (org_id, investigation_id) REFERENCES sqm.lex_sarah_investigation,
    CHECK (happened_at OPERATOR(pg_catalog.<=) reported_at),
    CHECK (received_at OPERATOR(pg_catalog.>=) reported_at),
    CHECK ((state OPERATOR(pg_catalog.=) 'assigned') OPERATOR(pg_catalog.=) (investigation_id IS NOT NULL))
);
CREATE INDEX lex_sarah_report_investigation_idx ON sqm.lex_sarah_report (org_id, investigation_id);
CREATE INDEX lex_sarah_report_unassigned_idx ON sqm.lex_sarah_report (org_id, reported_at)
    WHERE investigation_id IS NULL;
COMMENT ON TABLE sqm.lex_sarah_report IS
  'Lex Sarah reports (rapporter): a governed table; reported, then assigned to exactly one investigation, for good';
COMMENT ON COLUMN sqm.lex_sarah_report.regime IS 'SoL or LSS';
COMMENT ON COLUMN sqm.lex_sarah_report.happened_at IS 'When the event happened; chooses the legal basis';
COMMENT ON COLUMN sqm.lex_sarah_report.reported_at IS 'When staff reported it; the routing clock starts here';
COMMENT ON COLUMN sqm.lex_sarah_report.received_at IS 'When the investigating function got it';
COMMENT ON COLUMN sqm.lex_sarah_report.source IS 'staff (a staff report), deviation (an escalated deviation, linked escalated_to) or complaint';
COMMENT ON COLUMN sqm.lex_sarah_report.legal_basis IS
  'The basis valid for its regime on the day of the event (sqm.legal_basis; sqm.lex_sarah_legal_basis chooses it, the row check refuses another)';
COMMENT ON COLUMN sqm.lex_sarah_report.investigation_id IS 'The investigation that covers it: NULL until assigned, then never changed';
COMMENT ON COLUMN sqm.lex_sarah_report.assigned_at IS 'When it was assigned to its investigation';
COMMENT ON COLUMN sqm.lex_sarah_report.reported_on IS
  'The day it was reported, in the organisation''s time zone (filled in by the trigger sqm.count_days sets up)';

CREATE TABLE sqm.lex_sarah_report_detail (
    org_id       bigint NOT NULL,
    id           bigint NOT NULL,
    description  text NOT NULL,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, id) REFERENCES sqm.lex_sarah_report
);
COMMENT ON TABLE sqm.lex_sarah_report_detail IS
  'What a lex Sarah report says, one row per report; readable with read_cases for its unit (the reporter''s identity is in sqm.lex_sarah_reporter)';
COMMENT ON COLUMN sqm.lex_sarah_report_detail.description IS 'What was reported';

-- The reporter's identity, apart from the report and the investigation.
CREATE TABLE sqm.lex_sarah_reporter (
    org_id      bigint NOT NULL,
    report_id   bigint NOT NULL,
    unit_id     bigint NOT NULL,
    name        text NOT NULL CHECK (pg_catalog.btrim(name) OPERATOR(pg_catalog.<>) ''),
    title       text NOT NULL CHECK (pg_catalog.btrim(title) OPERATOR(pg_catalog.<>) ''),
    entered_by  text NOT NULL,
    PRIMARY KEY (org_id, report_id),
    FOREIGN KEY (org_id, report_id) REFERENCES sqm.lex_sarah_report,
    FOREIGN KEY (org_id, unit_id) REFERENCES sqm.unit
);
COMMENT ON TABLE sqm.lex_sarah_reporter IS
  'Who made a lex Sarah report (name and title), kept apart from the report and the investigation; readable only with capability read_reporter_identity (investigators, quality coordinators)';
COMMENT ON COLUMN sqm.lex_sarah_reporter.unit_id IS 'The report''s unit (access is decided by it)';
COMMENT ON COLUMN sqm.lex_sarah_reporter.entered_by IS 'Who entered the report (sqm.caller_identity())';

CREATE TABLE sqm.lex_sarah_record (
    org_id             bigint NOT NULL,
    id                 bigint NOT NULL DEFAULT pg_catalog.nextval('sqm.case_id_seq'),
    investigation_id   bigint NOT NULL,
    item               text NOT NULL REFERENCES sqm.lex_sarah_item,
    content            text NOT NULL CHECK (pg_catalog.btrim(content) OPERATOR(pg_catalog.<>) ''),
    recorded_at        timestamptz NOT NULL,
    source             text NOT NULL CHECK (pg_catalog.btrim(source) OPERATOR(pg_catalog.<>) ''),
    nature             text NOT NULL CHECK (nature IN ('fact', 'assessment')),
    recorded_by_name   text NOT NULL CHECK (pg_catalog.btrim(recorded_by_name) OPERATOR(pg_catalog.<>) ''),
    recorded_by_title  text NOT NULL CHECK (pg_catalog.btrim(recorded_by_title) OPERATOR(pg_catalog.<>) ''),
    measure_date       date,
    entered_at         timestamptz NOT NULL,
    entered_by         text NOT NULL,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, investigation_id) REFERENCES sqm.lex_sarah_investigation,
    CHECK ((item OPERATOR(pg_catalog.=) 'measure') OPERATOR(pg_catalog.=) (measure_date IS NOT NULL))
);
CREATE INDEX lex_sarah_record_investigation_idx ON sqm.lex_sarah_record (org_id, investigation_id, item);
COMMENT ON TABLE sqm.lex_sarah_record IS
  'What a lex Sarah investigation documents (SOSFS 2011:5 ch. 5), one item per row; append-only — a correction is a new record';
COMMENT ON COLUMN sqm.lex_sarah_record.item IS 'What it documents (sqm.lex_sarah_item)';
COMMENT ON COLUMN sqm.lex_sarah_record.recorded_at IS 'The date of the information';
COMMENT ON COLUMN sqm.lex_sarah_record.source IS 'Where it comes from (an interview, the case file, …)';
COMMENT ON COLUMN sqm.lex_sarah_record.nature IS 'fact or assessment';
COMMENT ON COLUMN sqm.lex_sarah_record.recorded_by_name IS 'Who recorded it';
COMMENT ON COLUMN sqm.lex_sarah_record.recorded_by_title IS 'Their title or function';
COMMENT ON COLUMN sqm.lex_sarah_record.measure_date IS 'For a measure (and only for one): the date it was taken';
COMMENT ON COLUMN sqm.lex_sarah_record.entered_by IS 'Who entered the row (sqm.caller_identity()); entered_at when';

CREATE TABLE sqm.ivo_notification (
    org_id            bigint NOT NULL REFERENCES sqm.organisation,
    id                bigint NOT NULL DEFAULT pg_catalog.nextval('sqm.case_id_seq'),
    state             text NOT NULL,
    unit_id           bigint NOT NULL,
    investigation_id  bigint NOT NULL,
    drafted_at        timestamptz NOT NULL,
    decided_at        timestamptz,
    sent_at           timestamptz,
    regnr             sqm.regnr,
    sent_on           date,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, unit_id) REFERENCES sqm.unit,
    FOREIGN KEY (org_id, investigation_id) REFERENCES sqm.lex_sarah_investigation
);
CREATE UNIQUE INDEX ivo_notification_one_per_investigation ON sqm.ivo_notification (org_id, investigation_id)
    WHERE state OPERATOR(pg_catalog.<>) 'withdrawn';
COMMENT ON TABLE sqm.ivo_notification IS
  'Notifications to IVO of serious lex Sarah investigations: a governed table; the contents are frozen once sent (later information is a supplement); one notification per investigation that is not withdrawn';
COMMENT ON COLUMN sqm.ivo_notification.unit_id IS 'The investigation''s leading unit';
COMMENT ON COLUMN sqm.ivo_notification.regnr IS 'Registry number, claimed in the organisation''s registry (sqm.registry_entry: unique per organisation across every kind)';
COMMENT ON COLUMN sqm.ivo_notification.drafted_at IS 'When it was drafted';
COMMENT ON COLUMN sqm.ivo_notification.decided_at IS 'When the designated role decided to notify';
COMMENT ON COLUMN sqm.ivo_notification.sent_at IS 'When it was sent to IVO';
COMMENT ON COLUMN sqm.ivo_notification.sent_on IS
  'The day it was sent, in the organisation''s time zone (filled in by the trigger sqm.count_days sets up)';

CREATE TABLE sqm.ivo_notification_detail (
    org_id            bigint NOT NULL,
    id                bigint NOT NULL,
    contents          text NOT NULL,
    decided_by        text,
    withdrawn_reason  text,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, id) REFERENCES sqm.ivo_notification
);
COMMENT ON TABLE sqm.ivo_notification_detail IS
  'The contents of an IVO notification, who decided it and why a draft was withdrawn, one row per notification; frozen with the notification once sent';
COMMENT ON COLUMN sqm.ivo_notification_detail.contents IS 'What is notified to IVO';
COMMENT ON COLUMN sqm.ivo_notification_detail.decided_by IS 'Who decided, for the organisation, to notify (the designated role)';
COMMENT ON COLUMN sqm.ivo_notification_detail.withdrawn_reason IS 'Why a draft was withdrawn';

CREATE TABLE sqm.ivo_supplement (
    org_id           bigint NOT NULL,
    id               bigint NOT NULL DEFAULT pg_catalog.nextval('sqm.case_id_seq'),
    notification_id  bigint NOT NULL,
    sent_at          timestamptz NOT NULL,
    contents         text NOT NULL CHECK (pg_catalog.btrim(contents) OPERATOR(pg_catalog.<>) ''),
    entered_by       text NOT NULL,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, notification_id) REFERENCES sqm.ivo_notification
);
COMMENT ON TABLE sqm.ivo_supplement IS 'Later information sent to IVO about a sent notification; append-only';
COMMENT ON COLUMN sqm.ivo_supplement.contents IS 'What was sent';
COMMENT ON COLUMN sqm.ivo_supplement.entered_by IS 'Who entered it (sqm.caller_identity())';

CREATE TABLE sqm.ivo_answer (
    org_id                  bigint NOT NULL,
    id                      bigint NOT NULL DEFAULT pg_catalog.nextval('sqm.case_id_seq'),
    notification_id         bigint NOT NULL,
    answered_at             timestamptz NOT NULL,
    answer                  text NOT NULL CHECK (answer IN ('closed_no_action', 'supplement_requested',
                                                            'criticism', 'other_decision')),
    supplement_supplied_at  timestamptz,
    note                    text,
    entered_by              text NOT NULL,
    answered_on             date,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, notification_id) REFERENCES sqm.ivo_notification,
    CHECK (supplement_supplied_at IS NULL OR answer OPERATOR(pg_catalog.=) 'supplement_requested')
);
COMMENT ON TABLE sqm.ivo_answer IS
  'IVO''s answers to a notification: closed_no_action, supplement_requested, criticism or other_decision; append-only; an IVO case may stay open after the investigation closed';
COMMENT ON COLUMN sqm.ivo_answer.supplement_supplied_at IS
  'For supplement_requested: when the supplement was supplied, if known when the answer is recorded (the supplement itself is a row of sqm.ivo_supplement)';
COMMENT ON COLUMN sqm.ivo_answer.note IS 'Free text: what IVO decided or asked';
COMMENT ON COLUMN sqm.ivo_answer.answered_on IS
  'The day of the answer, in the organisation''s time zone (filled in by the trigger sqm.count_days sets up)';
COMMENT ON COLUMN sqm.ivo_answer.entered_by IS 'Who entered it (sqm.caller_identity())';

REVOKE ALL ON sqm.organisation_setting, sqm.lex_sarah_theme FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- Rules for every writer.

-- The legal basis of a report: the one valid for its regime on the day of the
-- event, in the organisation's time zone; NULL if there is none.
CREATE FUNCTION sqm.lex_sarah_legal_basis(org bigint, regime text, happened_at timestamptz) RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT b.code FROM sqm.legal_basis b, sqm.organisation o
     WHERE o.org_id = org AND b.regime = lex_sarah_legal_basis.regime
       AND b.valid @> (happened_at AT TIME ZONE o.time_zone)::date
     ORDER BY b.code LIMIT 1;
END;
COMMENT ON FUNCTION sqm.lex_sarah_legal_basis(bigint, text, timestamptz) IS
  'The legal basis (sqm.legal_basis) of a lex Sarah report: the one valid for its regime on the day of the event in the organisation''s time zone; NULL if there is none';

-- The rules of the cases and records, for every writer (lex_sarah.c).  The
-- lifecycle engine calls a kind's row check on every insert and on every
-- update of the columns it reads (row_check_on); the record table's trigger
-- calls the record check on every insert.  They refuse; they never fill in
-- (the API chooses the legal basis with sqm.lex_sarah_legal_basis).
CREATE FUNCTION sqm.lex_sarah_report_check(new sqm.lex_sarah_report, old sqm.lex_sarah_report) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_lex_sarah_report_check' LANGUAGE C;
COMMENT ON FUNCTION sqm.lex_sarah_report_check(sqm.lex_sarah_report, sqm.lex_sarah_report) IS
  'Row check of lex Sarah reports (C, called by the lifecycle engine): made under SoL or LSS, at the latest now, not before the event (23514); its unit existed on the report date (23503); the legal basis valid for its regime on the day of the event, organisation''s time zone (23503 none, 23502 missing, 23514 another); received between the report and now (23514); assigned only to an investigation that is not completed or closed (SQ004)';
CREATE FUNCTION sqm.lex_sarah_investigation_check(new sqm.lex_sarah_investigation, old sqm.lex_sarah_investigation)
RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_lex_sarah_investigation_check' LANGUAGE C;
COMMENT ON FUNCTION sqm.lex_sarah_investigation_check(sqm.lex_sarah_investigation, sqm.lex_sarah_investigation) IS
  'Row check of lex Sarah investigations (C, called by the lifecycle engine): the assessment (outcome, themes, assessed_at, seriousness_decided_at) does not change once it is completed (SQ004); the themes are the organisation''s, valid on the day of the assessment (23503)';
CREATE FUNCTION sqm.ivo_notification_check(new sqm.ivo_notification, old sqm.ivo_notification) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_ivo_notification_check' LANGUAGE C;
COMMENT ON FUNCTION sqm.ivo_notification_check(sqm.ivo_notification, sqm.ivo_notification) IS
  'Row check of IVO notifications (C, called by the lifecycle engine): drafted only for an investigation assessed as serious (SQ002), one per investigation that is not withdrawn (23505); sent at the latest now (23514)';
CREATE FUNCTION sqm.lex_sarah_record_check(new sqm.lex_sarah_record, old sqm.lex_sarah_record) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_lex_sarah_record_check' LANGUAGE C;
COMMENT ON FUNCTION sqm.lex_sarah_record_check(sqm.lex_sarah_record, sqm.lex_sarah_record) IS
  'Row check of lex Sarah records (C, called by the trigger row_check): never in a closed investigation (SQ004); an item of sqm.lex_sarah_item (23503) with its content, source, nature and who recorded it (23502), a fact or an assessment (23514), a measure with its date and only a measure (23502, 23514), dated at the latest now (23514)';
REVOKE ALL ON FUNCTION sqm.lex_sarah_legal_basis(bigint, text, timestamptz),
                       sqm.lex_sarah_report_check(sqm.lex_sarah_report, sqm.lex_sarah_report),
                       sqm.lex_sarah_investigation_check(sqm.lex_sarah_investigation, sqm.lex_sarah_investigation),
                       sqm.ivo_notification_check(sqm.ivo_notification, sqm.ivo_notification),
                       sqm.lex_sarah_record_check(sqm.lex_sarah_record, sqm.lex_sarah_record) FROM PUBLIC;
CREATE FUNCTION sqm.ivo_supplement_check(new sqm.ivo_supplement, old sqm.ivo_supplement) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_ivo_supplement_check' LANGUAGE C;
COMMENT ON FUNCTION sqm.ivo_supplement_check(sqm.ivo_supplement, sqm.ivo_supplement) IS
  'Row check of IVO supplements (C, called by the trigger row_check): only to a sent notification (SQ002), with its contents (23502), dated between the sending and now (23514)';
CREATE FUNCTION sqm.ivo_answer_check(new sqm.ivo_answer, old sqm.ivo_answer) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_ivo_answer_check' LANGUAGE C;
COMMENT ON FUNCTION sqm.ivo_answer_check(sqm.ivo_answer, sqm.ivo_answer) IS
  'Row check of IVO''s answers (C, called by the trigger row_check): one of the answers (23514), to a sent notification (SQ002), dated between the sending and now (23514); a supplement supplied only after an answer that asked for one, at the latest now (23514)';
REVOKE ALL ON FUNCTION sqm.ivo_supplement_check(sqm.ivo_supplement, sqm.ivo_supplement),
                       sqm.ivo_answer_check(sqm.ivo_answer, sqm.ivo_answer) FROM PUBLIC;

-- The row checks cache the reference data per backend; a change reaches
-- every session.
SELECT sqm.watch_reference(t) FROM unnest(ARRAY['sqm.legal_basis', 'sqm.lex_sarah_theme', 'sqm.lex_sarah_item']::regclass[]) t;

-- ---------------------------------------------------------------------------
-- The governed tables and record tables, wired by one call each: triggers,
-- row-level security, dump registration, privileges, column classes.
-- Everyone with read_cases for a unit sees its cases; the free text and names
-- only investigators and quality coordinators read (details_readers), and
-- reporter identities only with read_reporter_identity.

SELECT sqm.govern('lex_sarah_report', 'sqm.lex_sarah_report',
    classes => '{"internal": ["org_id", "id", "investigation_id"],
                 "statistic": ["state", "unit_id", "regime", "source", "legal_basis", "reported_on"],
                 "exact_time": ["happened_at", "reported_at", "received_at", "assigned_at"]}',
    label_sv => 'lex Sarah-rapport', label_en => 'lex Sarah report',
    details => 'sqm.lex_sarah_report_detail',
    details_classes => '{"internal": ["org_id", "id"], "free_text": ["description"]}',
    row_check => 'sqm.lex_sarah_report_check(sqm.lex_sarah_report, sqm.lex_sarah_report)',
    row_check_on => '{org_id,unit_id,regime,happened_at,reported_at,received_at,legal_basis,investigation_id}',
    announce => true,
    details_readers => '{investigator,quality_coordinator}');

SELECT sqm.govern('lex_sarah_investigation', 'sqm.lex_sarah_investigation',
    classes => '{"internal": ["org_id", "id"], "statistic": ["state", "unit_id", "outcome", "themes", "opened_on", "completed_on"],
                 "exact_time": ["opened_at", "started_at", "assessed_at", "completed_at", "closed_at", "seriousness_decided_at"]}',
    label_sv => 'lex Sarah-utredning', label_en => 'lex Sarah investigation',
    details => 'sqm.lex_sarah_investigation_detail',
    details_classes => '{"internal": ["org_id", "id"], "free_text": ["early_position"], "personal": ["seriousness_decided_by"]}',
    row_check => 'sqm.lex_sarah_investigation_check(sqm.lex_sarah_investigation, sqm.lex_sarah_investigation)',
    row_check_on => '{outcome,themes,assessed_at,seriousness_decided_at}',
    -- the investigation is seen from the units of its reports too
    visible => 'sqm.may_see(org_id, unit_id, NULL)
                OR EXISTS (SELECT FROM sqm.lex_sarah_report r
                            WHERE r.org_id OPERATOR(pg_catalog.=) lex_sarah_investigation.org_id
                              AND r.investigation_id OPERATOR(pg_catalog.=) lex_sarah_investigation.id)',
    details_visible => 'EXISTS (SELECT FROM sqm.lex_sarah_report r
                                 WHERE r.org_id OPERATOR(pg_catalog.=) lex_sarah_investigation_detail.org_id
                                   AND r.investigation_id OPERATOR(pg_catalog.=) lex_sarah_investigation_detail.id
                                   AND sqm.may(r.org_id, r.unit_id, ''read_cases''))',
    details_readers => '{investigator,quality_coordinator}');

SELECT sqm.govern('ivo_notification', 'sqm.ivo_notification',
    classes => '{"internal": ["org_id", "id", "investigation_id"], "statistic": ["state", "unit_id", "sent_on"],
                 "exact_time": ["drafted_at", "decided_at", "sent_at"], "registry_number": ["regnr"]}',
    label_sv => 'anmälan till IVO', label_en => 'IVO notification',
    details => 'sqm.ivo_notification_detail',
    details_classes => '{"internal": ["org_id", "id"], "free_text": ["contents", "withdrawn_reason"], "personal": ["decided_by"]}',
    row_check => 'sqm.ivo_notification_check(sqm.ivo_notification, sqm.ivo_notification)',
    row_check_on => '{investigation_id,sent_at}',
    -- a notification is seen with its investigation
    visible => 'EXISTS (SELECT FROM sqm.lex_sarah_investigation i
                         WHERE i.org_id OPERATOR(pg_catalog.=) ivo_notification.org_id
                           AND i.id OPERATOR(pg_catalog.=) ivo_notification.investigation_id)',
    details_visible => 'EXISTS (SELECT FROM sqm.ivo_notification n
                                  JOIN sqm.lex_sarah_report r ON r.org_id OPERATOR(pg_catalog.=) n.org_id
                                                             AND r.investigation_id OPERATOR(pg_catalog.=) n.investigation_id
                                 WHERE n.org_id OPERATOR(pg_catalog.=) ivo_notification_detail.org_id
                                   AND n.id OPERATOR(pg_catalog.=) ivo_notification_detail.id
                                   AND sqm.may(r.org_id, r.unit_id, ''read_cases''))',
    details_readers => '{investigator,quality_coordinator}');

SELECT sqm.govern_records('lex_sarah_report', 'sqm.lex_sarah_reporter',
    classes => '{"internal": ["org_id", "report_id"], "statistic": ["unit_id"], "personal": ["name", "title", "entered_by"]}',
    visible => 'sqm.may(org_id, unit_id, ''read_reporter_identity'')',
    readers => '{}', personal_readers => '{investigator,quality_coordinator}');
SELECT sqm.govern_records('lex_sarah_investigation', 'sqm.lex_sarah_record',
    classes => '{"internal": ["org_id", "id", "investigation_id"], "statistic": ["item", "nature", "measure_date"],
                 "free_text": ["content", "source"], "exact_time": ["recorded_at", "entered_at"],
                 "personal": ["recorded_by_name", "recorded_by_title", "entered_by"]}',
    visible => 'EXISTS (SELECT FROM sqm.lex_sarah_investigation i
                         WHERE i.org_id OPERATOR(pg_catalog.=) lex_sarah_record.org_id
                           AND i.id OPERATOR(pg_catalog.=) lex_sarah_record.investigation_id)',
    readers => '{unit_manager,auditor,report_reader}', personal_readers => '{investigator,quality_coordinator}',
    row_check => 'sqm.lex_sarah_record_check(sqm.lex_sarah_record, sqm.lex_sarah_record)');
SELECT sqm.govern_records('ivo_notification', 'sqm.ivo_supplement',
    classes => '{"internal": ["org_id", "id", "notification_id"], "exact_time": ["sent_at"], "free_text": ["contents"],
                 "personal": ["entered_by"]}',
    visible => 'EXISTS (SELECT FROM sqm.ivo_notification n
                         WHERE n.org_id OPERATOR(pg_catalog.=) ivo_supplement.org_id
                           AND n.id OPERATOR(pg_catalog.=) ivo_supplement.notification_id)',
    readers => '{unit_manager,auditor,report_reader}', personal_readers => '{investigator,quality_coordinator}',
    row_check => 'sqm.ivo_supplement_check(sqm.ivo_supplement, sqm.ivo_supplement)');
SELECT sqm.govern_records('ivo_notification', 'sqm.ivo_answer',
    classes => '{"internal": ["org_id", "id", "notification_id"], "exact_time": ["answered_at", "supplement_supplied_at"],
                 "statistic": ["answer", "answered_on"], "free_text": ["note"], "personal": ["entered_by"]}',
    visible => 'EXISTS (SELECT FROM sqm.ivo_notification n
                         WHERE n.org_id OPERATOR(pg_catalog.=) ivo_answer.org_id
                           AND n.id OPERATOR(pg_catalog.=) ivo_answer.notification_id)',
    readers => '{unit_manager,auditor,report_reader}', personal_readers => '{investigator,quality_coordinator}',
    row_check => 'sqm.ivo_answer_check(sqm.ivo_answer, sqm.ivo_answer)');

-- The days statistics count by, in the organisation's time zone, kept on
-- the rows for every writer: a report by the day it was made, an
-- investigation by the day it was opened and the day it was completed (an
-- early close: closed), a notification by the day it was sent, an answer by
-- its day.
SELECT sqm.count_days('sqm.lex_sarah_report', '{"reported_on": ["reported_at"]}');
SELECT sqm.count_days('sqm.lex_sarah_investigation', '{"opened_on": ["opened_at"], "completed_on": ["completed_at", "closed_at"]}');
SELECT sqm.count_days('sqm.ivo_notification', '{"sent_on": ["sent_at"]}');
SELECT sqm.count_days('sqm.ivo_answer', '{"answered_on": ["answered_at"]}');

SELECT sqm.classify('sqm.legal_basis', '{"statistic": ["code", "regime", "citation", "label_sv", "label_en", "valid"]}',
                    'lex_sarah_report');
SELECT sqm.classify('sqm.lex_sarah_item', '{"statistic": ["item", "ord", "required", "label_sv", "label_en"]}',
                    'lex_sarah_investigation');
SELECT sqm.classify('sqm.organisation_setting', '{"internal": ["org_id"], "statistic": ["lex_sarah_routing_target"]}',
                    'lex_sarah_report');
SELECT sqm.classify('sqm.lex_sarah_theme', '{"internal": ["org_id"], "statistic": ["code", "label_sv", "label_en", "valid"]}',
                    'lex_sarah_investigation');

-- ---------------------------------------------------------------------------
-- Lifecycles, as data.

INSERT INTO sqm.lifecycle_state (kind, state, initial, terminal, label_sv, label_en, builtin) VALUES
    ('lex_sarah_report',        'reported',            true,  false, 'rapporterad',      'reported',            true),
    ('lex_sarah_report',        'assigned',            false, true,  'tilldelad utredning', 'assigned to an investigation', true),
    ('lex_sarah_investigation', 'opened',              true,  false, 'öppnad',           'opened',              true),
    ('lex_sarah_investigation', 'under_investigation', false, false, 'under utredning',  'under investigation', true),
    ('lex_sarah_investigation', 'assessed',            false, false, 'bedömd',           'assessed',            true),
    ('lex_sarah_investigation', 'completed',           false, false, 'färdigutredd',     'completed',           true),
    ('lex_sarah_investigation', 'closed',              false, true,  'avslutad',         'closed',              true),
    ('ivo_notification',        'draft',               true,  false, 'utkast',           'draft',               true),
    ('ivo_notification',        'sent',                false, true,  'skickad',          'sent',                true),
    ('ivo_notification',        'withdrawn',           false, true,  'återkallad',       'withdrawn',           true);

CREATE FUNCTION sqm.guard_lex_sarah_completable(sqm.lex_sarah_investigation) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_guard_lex_sarah_completable' LANGUAGE C STRICT;
COMMENT ON FUNCTION sqm.guard_lex_sarah_completable(sqm.lex_sarah_investigation) IS
  'Guard: an investigation is completed with an outcome and a record of every required item (sqm.lex_sarah_item), measures with their dates';
CREATE FUNCTION sqm.guard_lex_sarah_closable(sqm.lex_sarah_investigation) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_guard_lex_sarah_closable' LANGUAGE C STRICT;
COMMENT ON FUNCTION sqm.guard_lex_sarah_closable(sqm.lex_sarah_investigation) IS
  'Guard: a serious investigation closes only once its IVO notification has been sent';
CREATE FUNCTION sqm.guard_lex_sarah_early_close(sqm.lex_sarah_investigation) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_guard_lex_sarah_early_close' LANGUAGE C STRICT;
COMMENT ON FUNCTION sqm.guard_lex_sarah_early_close(sqm.lex_sarah_investigation) IS
  'Guard: an investigation closes early only with outcome no_impropriety and a documented position';
CREATE FUNCTION sqm.guard_ivo_notification_sendable(sqm.ivo_notification) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_guard_ivo_notification_sendable' LANGUAGE C STRICT;
COMMENT ON FUNCTION sqm.guard_ivo_notification_sendable(sqm.ivo_notification) IS
  'Guard: a notification is sent to IVO only for an investigation assessed as serious';
REVOKE ALL ON FUNCTION sqm.guard_lex_sarah_completable(sqm.lex_sarah_investigation),
                       sqm.guard_lex_sarah_closable(sqm.lex_sarah_investigation),
                       sqm.guard_lex_sarah_early_close(sqm.lex_sarah_investigation),
                       sqm.guard_ivo_notification_sendable(sqm.ivo_notification)
    FROM PUBLIC;

INSERT INTO sqm.lifecycle_move (kind, from_state, to_state, capability, guard, requires, builtin) VALUES
    ('lex_sarah_report',        'reported',            'assigned',            'investigate_lex_sarah', NULL,
     '{investigation_id,assigned_at}', true),
    ('lex_sarah_investigation', 'opened',              'under_investigation', 'investigate_lex_sarah', NULL,
     '{started_at}', true),
    ('lex_sarah_investigation', 'under_investigation', 'assessed',            'investigate_lex_sarah', NULL,
     '{outcome,assessed_at}', true),
    ('lex_sarah_investigation', 'assessed',            'completed',           'investigate_lex_sarah',
     'sqm.guard_lex_sarah_completable(sqm.lex_sarah_investigation)', '{completed_at}', true),
    ('lex_sarah_investigation', 'completed',           'closed',              'investigate_lex_sarah',
     'sqm.guard_lex_sarah_closable(sqm.lex_sarah_investigation)', '{closed_at}', true),
    ('lex_sarah_investigation', 'opened',              'closed',              'investigate_lex_sarah',
     'sqm.guard_lex_sarah_early_close(sqm.lex_sarah_investigation)', '{closed_at}', true),
    ('lex_sarah_investigation', 'under_investigation', 'closed',              'investigate_lex_sarah',
     'sqm.guard_lex_sarah_early_close(sqm.lex_sarah_investigation)', '{closed_at}', true),
    ('ivo_notification',        'draft',               'sent',                'notify_ivo',
     'sqm.guard_ivo_notification_sendable(sqm.ivo_notification)', '{regnr,sent_at,decided_by,decided_at}', true),
    ('ivo_notification',        'draft',               'withdrawn',           'notify_ivo', NULL,
     '{withdrawn_reason}', true);

-- ---------------------------------------------------------------------------
-- Routing guarantee: reports not yet assigned, how long they have waited and
-- whether the organisation's target has passed.  No free text, no reporter.

CREATE VIEW sqm.lex_sarah_unassigned WITH (security_invoker = true) AS
SELECT r.org_id, r.id AS report_id, r.unit_id, r.reported_at,
       sqm.now() OPERATOR(pg_catalog.-) r.reported_at AS waited,
       -- the default of sqm.organisation_setting.lex_sarah_routing_target
       (sqm.now() OPERATOR(pg_catalog.-) r.reported_at)
           OPERATOR(pg_catalog.>) COALESCE(s.lex_sarah_routing_target, '1 day'::interval) AS overdue
  FROM sqm.lex_sarah_report r
  LEFT JOIN sqm.organisation_setting s ON s.org_id OPERATOR(pg_catalog.=) r.org_id
 WHERE r.state OPERATOR(pg_catalog.=) 'reported';
COMMENT ON VIEW sqm.lex_sarah_unassigned IS
  'Lex Sarah reports not yet assigned to an investigation: how long each has waited since it was reported (sqm.now()) and whether the organisation''s lex_sarah_routing_target (default 1 day) has passed';
REVOKE ALL ON sqm.lex_sarah_unassigned FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- Row-level security of the reference tables (the governed and record
-- tables: sqm.govern and sqm.govern_records above).

ALTER TABLE sqm.organisation_setting ENABLE ROW LEVEL SECURITY;
ALTER TABLE sqm.lex_sarah_theme ENABLE ROW LEVEL SECURITY;
CREATE POLICY organisation_setting_member ON sqm.organisation_setting FOR SELECT
    USING (sqm.is_member(org_id));
CREATE POLICY lex_sarah_theme_member ON sqm.lex_sarah_theme FOR SELECT
    USING (sqm.is_member(org_id));
COMMENT ON POLICY organisation_setting_member ON sqm.organisation_setting IS 'Members see their organisations'' settings';
COMMENT ON POLICY lex_sarah_theme_member ON sqm.lex_sarah_theme IS 'Members see their organisations'' taxonomy';

-- ---------------------------------------------------------------------------
-- A deviation escalated to lex Sarah (domain.md §3.1, §3.2) is linked to the
-- report it led to; the report is made by this kind's constructor
-- (sqm.lex_sarah_report_from_case in api.sql).

INSERT INTO sqm.case_relation (from_kind, relation, to_kind, capability, label_sv, label_en,
                               inverse_label_sv, inverse_label_en, builtin) VALUES
    ('deviation', 'escalated_to', 'lex_sarah_report', 'escalate', 'utreds enligt lex Sarah', 'escalated to lex Sarah',
     'från avvikelse', 'from a deviation', true);

-- ---------------------------------------------------------------------------
-- What else the API does to these cases, and the capability each needs.  A
-- write that decides seriousness -- sets when and by whom an outcome was
-- first found serious, or clears it -- needs decide_seriousness besides the
-- move's capability: the designated role decides (14 kap. 7 § SoL 2001:453,
-- 27 kap. SoL 2025:400; domain.md §3.2).

INSERT INTO sqm.lifecycle_action (kind, action, column_name, capability, label_en, builtin) VALUES
    ('lex_sarah_report', 'create', NULL, 'report_lex_sarah', 'report a lex Sarah event for', true),
    ('lex_sarah_report', 'edit', NULL, 'investigate_lex_sarah', 'edit', true),
    ('lex_sarah_investigation', 'create', NULL, 'investigate_lex_sarah', 'open a lex Sarah investigation for', true),
    ('lex_sarah_investigation', 'edit', NULL, 'investigate_lex_sarah', 'edit', true),
    ('lex_sarah_investigation', 'edit', 'seriousness_decided_at', 'decide_seriousness', 'decide the seriousness of', true),
    ('lex_sarah_investigation', 'edit', 'seriousness_decided_by', 'decide_seriousness', 'decide the seriousness of', true),
    ('lex_sarah_investigation', 'assign', NULL, 'investigate_lex_sarah', 'assign a report to', true),
    ('lex_sarah_investigation', 'record', NULL, 'investigate_lex_sarah', 'document', true),
    ('ivo_notification', 'create', NULL, 'investigate_lex_sarah', 'draft an IVO notification for', true),
    ('ivo_notification', 'edit', NULL, 'investigate_lex_sarah', 'revise', true),
    ('ivo_notification', 'supplement', NULL, 'notify_ivo', 'supplement', true),
    ('ivo_notification', 'answer', NULL, 'investigate_lex_sarah', 'record IVO''s answer to', true);

-- ---------------------------------------------------------------------------
-- Who may do what by default (sqm.role_capability; an organisation may change
-- it: sqm.set_delegation).  Any staff role may report;
-- investigators and quality coordinators investigate and read who reported;
-- the quality coordinator is the designated role that decides that an outcome
-- is serious and notifies IVO on the organisation's behalf.

INSERT INTO sqm.role_capability (role, capability) VALUES
    ('reporter', 'report_lex_sarah'), ('unit_manager', 'report_lex_sarah'),
    ('investigator', 'report_lex_sarah'), ('investigator', 'investigate_lex_sarah'),
    ('investigator', 'read_reporter_identity'),
    ('quality_coordinator', 'report_lex_sarah'), ('quality_coordinator', 'investigate_lex_sarah'),
    ('quality_coordinator', 'read_reporter_identity'), ('quality_coordinator', 'decide_seriousness'),
    ('quality_coordinator', 'notify_ivo');

-- ---------------------------------------------------------------------------
-- Deadlines (doc/deadlines.md) and notifications.

-- The events of a report's investigation are recorded on the investigation
-- it is assigned to (its holder): once that is closed they can no longer
-- happen, and the open clocks are found from the investigations that are
-- not closed (lex_sarah_investigation_not_final_idx below).
INSERT INTO sqm.deadline_event (kind, event, expression, label_sv, label_en, builtin, holder_column, holder_kind) VALUES
    ('lex_sarah_report', 'reported', 'o.reported_at', 'rapporterad', 'reported', true, NULL, NULL),
    ('lex_sarah_report', 'received', 'o.received_at', 'mottagen', 'received', true, NULL, NULL),
    ('lex_sarah_report', 'assigned', 'o.assigned_at', 'kopplad till utredning', 'assigned to an investigation', true, NULL, NULL),
    ('lex_sarah_report', 'protective_action',
     '(SELECT pg_catalog.min(r.recorded_at) FROM sqm.lex_sarah_record r
        WHERE r.org_id OPERATOR(pg_catalog.=) o.org_id AND r.investigation_id OPERATOR(pg_catalog.=) o.investigation_id
          AND r.item OPERATOR(pg_catalog.=) ''protective_action'')',
     'omedelbar skyddsåtgärd dokumenterad', 'protective action recorded', true, 'investigation_id', 'lex_sarah_investigation'),
    ('lex_sarah_report', 'investigation_started',
     '(SELECT i.started_at FROM sqm.lex_sarah_investigation i
        WHERE i.org_id OPERATOR(pg_catalog.=) o.org_id AND i.id OPERATOR(pg_catalog.=) o.investigation_id)',
     'utredningen påbörjad', 'investigation started', true, 'investigation_id', 'lex_sarah_investigation'),
    ('lex_sarah_report', 'investigation_completed',
     -- an early close (no impropriety, clear at once) completes it too
     '(SELECT COALESCE(i.completed_at,
                         CASE WHEN i.state OPERATOR(pg_catalog.=) ''closed'' THEN i.closed_at END)
         FROM sqm.lex_sarah_investigation i
        WHERE i.org_id OPERATOR(pg_catalog.=) o.org_id AND i.id OPERATOR(pg_catalog.=) o.investigation_id)',
     'utredningen slutförd', 'investigation completed', true, 'investigation_id', 'lex_sarah_investigation'),
    ('lex_sarah_investigation', 'serious_decided',
     -- sqm.is_serious written out: a SQL function with SET search_path is
     -- never inlined, and was called for every investigation of a period
     'CASE WHEN o.outcome OPERATOR(pg_catalog.>=) ''risk_of_serious_impropriety''::sqm.lex_sarah_outcome
           THEN o.seriousness_decided_at END',
     'bedömd som allvarlig', 'assessed as serious', true, NULL, NULL),
    ('lex_sarah_investigation', 'ivo_notified',
     '(SELECT pg_catalog.min(n.sent_at) FROM sqm.ivo_notification n
        WHERE n.org_id OPERATOR(pg_catalog.=) o.org_id AND n.investigation_id OPERATOR(pg_catalog.=) o.id
          AND n.state OPERATOR(pg_catalog.=) ''sent'')',
     'anmäld till IVO', 'notified to IVO', true, NULL, NULL);

INSERT INTO sqm.deadline_rule (rule, kind, start_event, stop_event, applies, length, unit, legal, basis, basis_valid,
                               warning, label_sv, label_en, builtin) VALUES
    ('lex_sarah_routed', 'lex_sarah_report', 'reported', 'assigned', NULL, 1, 'working_days', false,
     'rutin', '(,)', '4 hours', 'Rapporten har nått utredande funktion', 'Report reached the investigating function', true),
    ('lex_sarah_protective_action', 'lex_sarah_report', 'received', 'protective_action', NULL, 1, 'calendar_days', false,
     'rutin (lex Sarah: omedelbart)', '(,)', '4 hours', 'Omedelbar skyddsåtgärd dokumenterad', 'Protective action recorded', true),
    ('lex_sarah_investigation_started', 'lex_sarah_report', 'received', 'investigation_started', NULL, 5, 'working_days', false,
     'rutin (lex Sarah: utan dröjsmål)', '(,)', '1 day', 'Utredningen påbörjad', 'Investigation started', true),
    ('lex_sarah_investigation_completed', 'lex_sarah_report', 'received', 'investigation_completed', NULL, 2, 'months', false,
     'rutin (lex Sarah: utan dröjsmål)', '(,)', '14 days', 'Utredningen slutförd', 'Investigation completed', true),
    -- the law says "as soon as possible" and gives no number: a routine target,
    -- citing the provision in force on the day seriousness was decided
    ('ivo_notification', 'lex_sarah_investigation', 'serious_decided', 'ivo_notified', NULL, 2, 'working_days', false,
     '14 kap. 7 § SoL (2001:453)', '[,2025-07-01)', '1 day', 'Anmälan till IVO', 'Notification to IVO', true),
    ('ivo_notification', 'lex_sarah_investigation', 'serious_decided', 'ivo_notified', NULL, 2, 'working_days', false,
     '27 kap. SoL (2025:400)', '[2025-07-01,)', '1 day', 'Anmälan till IVO', 'Notification to IVO', true);

-- Open items are found through partial indexes on the stop columns and on
-- the cases that are not final (the predicate is the one sqm.obligations_sql
-- writes: the terminal states in order); an unassigned report through
-- lex_sarah_report_unassigned_idx.
CREATE INDEX lex_sarah_report_unrouted_idx ON sqm.lex_sarah_report (org_id) WHERE assigned_at IS NULL;
CREATE INDEX lex_sarah_investigation_not_final_idx ON sqm.lex_sarah_investigation (org_id)
    WHERE state OPERATOR(pg_catalog.<>) ALL ('{closed}'::text[]);

-- ---------------------------------------------------------------------------
-- Privileges of the group roles (sqm.grant_privilege): reference data and
-- settings for every member.  (The governed and record tables: sqm.govern and
-- sqm.govern_records above — the columns statistics need for every reader,
-- free text and names for investigators and coordinators.)

SELECT sqm.grant_privilege('lex_sarah', 'SELECT ON sqm.legal_basis, sqm.lex_sarah_item, sqm.lex_sarah_theme, sqm.organisation_setting',
                           '{everyone}');
SELECT sqm.grant_privilege('lex_sarah', 'EXECUTE ON FUNCTION sqm.is_serious(sqm.lex_sarah_outcome)', '{everyone}');
SELECT sqm.grant_privilege('lex_sarah', 'SELECT ON sqm.lex_sarah_unassigned', '{readers}');
