-- Complaints and feedback (synpunkter och klagomål, domain.md §3.3): what
-- comes in from outside -- from a service user, a relative, an organisation,
-- an authority, or anonymously -- as a complaint, feedback, praise or an
-- improvement proposal.  It is registered in the registry (diariet) with a
-- registry number, directed at a unit or at none, about one or more subjects
-- of the organisation's taxonomy, and answered; the answer, or how it was
-- handled, is registered too.  A matter directed at no unit belongs to the
-- unit that handles it (directed_at_unit false): every case has a unit, for
-- access, deadlines and notifications, and statistics count it apart.  Closing without a registered answer is
-- refused.  A complaint may reveal a deviation (both exist, linked) and may
-- lead to a lex Sarah report (made through that kind's constructor, linked).
--
--   sqm.complaint_subject    the organisation's taxonomy of subjects, sv/en,
--                            each valid for a period
--   sqm.complaint            governed (kind complaint): the matter, what
--                            statistics need
--   sqm.complaint_detail     who sent it, what it says, the answer and who
--                            gave it, why it was withdrawn
--   sqm.complaint_follow_up  the day an organisation compiles a period's
--                            report ("answered k of n" as of that day)
--
-- Every rule is C (complaint.c): the row check of the matter, the row check
-- of its details and the guard of its closure.  Nobody but the API functions
-- (api.sql) writes the tables; sqm.govern wires them, and claims each
-- registry number in the organisation's registry (class registry_number).

-- ---------------------------------------------------------------------------
-- The taxonomy of subjects.

CREATE TABLE sqm.complaint_subject (
    org_id    bigint NOT NULL REFERENCES sqm.organisation,
    code      text NOT NULL CHECK (code OPERATOR(pg_catalog.~) '^[a-z][a-z0-9_]*$'),
    label_sv  text NOT NULL,
    label_en  text NOT NULL,
    valid     daterange NOT NULL CHECK (NOT pg_catalog.lower_inf(valid) AND NOT pg_catalog.isempty(valid)),
    PRIMARY KEY (org_id, code)
);
COMMENT ON TABLE sqm.complaint_subject IS
  'The subjects an organisation files complaints and feedback under (treatment, case handling, information …), sv/en labels, each valid for a period so that old matters keep their old subjects';
COMMENT ON COLUMN sqm.complaint_subject.code IS 'Code of the subject, unique in the organisation';
COMMENT ON COLUMN sqm.complaint_subject.valid IS 'The registration dates the subject may be used on';
SELECT pg_catalog.pg_extension_config_dump('sqm.complaint_subject', '');

-- ---------------------------------------------------------------------------
-- The governed table and its details.

CREATE TABLE sqm.complaint (
    org_id               bigint NOT NULL REFERENCES sqm.organisation,
    id                   bigint NOT NULL DEFAULT pg_catalog.nextval('sqm.case_id_seq'),
    state                text NOT NULL,
    unit_id              bigint NOT NULL,
    directed_at_unit     boolean NOT NULL DEFAULT true,
    regnr                sqm.regnr NOT NULL,
    complaint_kind       text NOT NULL
                         CHECK (complaint_kind IN ('complaint', 'feedback', 'praise', 'improvement_proposal')),
    sender_type          text NOT NULL
                         CHECK (sender_type IN ('service_user', 'relative', 'organisation', 'authority', 'anonymous')),
    channel              text NOT NULL DEFAULT 'other'
                         CHECK (channel IN ('e_service', 'email', 'letter', 'phone', 'visit', 'other')),
    subjects             text[] NOT NULL,
    received_at          timestamptz NOT NULL,
    registered_at        timestamptz NOT NULL,
    handling_started_at  timestamptz,
    answered_at          timestamptz,
    closed_at            timestamptz,
    -- the days statistics count by, in the organisation's time zone, kept by
    -- the trigger sqm.count_days sets up (below), for every writer
    registered_on        date,
    answered_on          date,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, unit_id) REFERENCES sqm.unit,
    CHECK (pg_catalog.cardinality(subjects) OPERATOR(pg_catalog.>) 0),
    CHECK (received_at OPERATOR(pg_catalog.<=) registered_at)
);
COMMENT ON TABLE sqm.complaint IS
  'Complaints and feedback (synpunkter och klagomål) registered in the registry: a governed table, written only through the sqm.*complaint* functions; who sent it, what it says and the answer are in sqm.complaint_detail';
COMMENT ON COLUMN sqm.complaint.unit_id IS
  'The unit it is directed at, or -- for a matter directed at no unit (directed_at_unit false) -- the unit that handles it';
COMMENT ON COLUMN sqm.complaint.directed_at_unit IS
  'Whether the sender directed it at unit_id; false: directed at no unit (handled by unit_id, counted apart: "not directed at a unit")';
COMMENT ON COLUMN sqm.complaint.regnr IS
  'Registry number (diarienummer), claimed in the organisation''s registry (sqm.registry_entry: unique per organisation across every kind); never changes';
COMMENT ON COLUMN sqm.complaint.complaint_kind IS 'complaint (klagomål), feedback (synpunkt), praise (beröm) or improvement_proposal (förbättringsförslag)';
COMMENT ON COLUMN sqm.complaint.sender_type IS
  'Who it comes from: service_user, relative, organisation, authority or anonymous (the sender''s name, when given, is in the details)';
COMMENT ON COLUMN sqm.complaint.channel IS 'How it came in: e_service, email, letter, phone, visit or other';
COMMENT ON COLUMN sqm.complaint.subjects IS 'Codes from sqm.complaint_subject valid on the registration date; one or more';
COMMENT ON COLUMN sqm.complaint.received_at IS 'When it reached the organisation';
COMMENT ON COLUMN sqm.complaint.registered_at IS 'When the registry registered it: the moment it counts by, and the answer clock starts at';
COMMENT ON COLUMN sqm.complaint.handling_started_at IS 'When its handling started (assigned to the unit or function that answers)';
COMMENT ON COLUMN sqm.complaint.answered_at IS 'The date of the registered answer, or of the documentation of how it was handled';
COMMENT ON COLUMN sqm.complaint.closed_at IS 'When it was closed';
COMMENT ON COLUMN sqm.complaint.registered_on IS
  'The registration date in the organisation''s time zone: the day statistics count it on (filled in from registered_at)';
COMMENT ON COLUMN sqm.complaint.answered_on IS
  'The day of the answer in the organisation''s time zone ("answered by the follow-up date"; filled in from answered_at)';

CREATE TABLE sqm.complaint_detail (
    org_id            bigint NOT NULL,
    id                bigint NOT NULL,
    sender_name       text,
    summary           text NOT NULL,
    answer            text,
    answered_by       text,
    withdrawn_reason  text,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, id) REFERENCES sqm.complaint
);
COMMENT ON TABLE sqm.complaint_detail IS
  'Who sent a complaint or feedback item, what it says, the answer and who gave it, one row per matter; readable only by those who handle complaints (unit managers, investigators, quality coordinators) with read_cases for its unit';
COMMENT ON COLUMN sqm.complaint_detail.sender_name IS 'The sender as given (a person, an organisation or an authority); NULL when anonymous or not given';
COMMENT ON COLUMN sqm.complaint_detail.summary IS 'What the sender says, in short';
COMMENT ON COLUMN sqm.complaint_detail.answer IS 'The registered answer, or for an anonymous sender how it was handled';
COMMENT ON COLUMN sqm.complaint_detail.answered_by IS 'Who answered (a person or the function, e.g. enhetschef)';
COMMENT ON COLUMN sqm.complaint_detail.withdrawn_reason IS 'Why it was withdrawn (required to withdraw)';

-- An organisation's follow-up day of a reporting period: the day it compiles
-- the period's report, on which "answered k of n" is counted (answers dated
-- on or before it).  Without a row, the period's follow_up_day of
-- sqm.stat_period: the last day of the month after it.
CREATE TABLE sqm.complaint_follow_up (
    org_id        bigint NOT NULL REFERENCES sqm.organisation,
    period        sqm.period NOT NULL,
    follow_up_on  date NOT NULL,
    PRIMARY KEY (org_id, period),
    CHECK (follow_up_on OPERATOR(pg_catalog.>) sqm.last_day(period))
);
COMMENT ON TABLE sqm.complaint_follow_up IS
  'The day an organisation compiles a period''s report, on which complaints and feedback answered are counted (sqm.stat_complaint_per_kind, _summary); without a row the period''s follow-up day (the last day of the month after it)';
COMMENT ON COLUMN sqm.complaint_follow_up.period IS 'The reporting period (sqm.stat_period.period)';
COMMENT ON COLUMN sqm.complaint_follow_up.follow_up_on IS 'Answers dated on or before this day count as answered in the period''s report; after the period';
SELECT pg_catalog.pg_extension_config_dump('sqm.complaint_follow_up', '');

-- ---------------------------------------------------------------------------
-- Rules for every writer (complaint.c).

-- The row check of a matter: registered at the latest now and not before it
-- was received; its unit existed on the registration day;
-- its subjects are the organisation's, valid then, each named once; its
-- handling started and its answer dated between the registration and now; an
-- anonymous sender has no name.  The lifecycle engine calls it on every
-- insert and on every update of the columns it reads.
CREATE FUNCTION sqm.complaint_check(new sqm.complaint, old sqm.complaint) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_complaint_check' LANGUAGE C;
COMMENT ON FUNCTION sqm.complaint_check(sqm.complaint, sqm.complaint) IS
  'Row check of complaints and feedback (C, called by the lifecycle engine): registered at the latest now and not before it was received (23514); its unit existed on the registration date (23503); its subjects are the organisation''s, valid on the registration date (23503), each named once (22023); handling started and the answer dated between the registration and now (23514); an anonymous sender has no name in the details (23514)';
-- The details check: an anonymous sender has no name.
CREATE FUNCTION sqm.complaint_detail_check(new sqm.complaint_detail, old sqm.complaint_detail) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_complaint_detail_check' LANGUAGE C;
COMMENT ON FUNCTION sqm.complaint_detail_check(sqm.complaint_detail, sqm.complaint_detail) IS
  'Row check of the details of complaints and feedback (C, called by the trigger row_check): a matter from an anonymous sender has no sender name (23514)';
-- The guard of closure: a registered answer, with its date and who answered.
CREATE FUNCTION sqm.guard_complaint_closable(sqm.complaint) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_guard_complaint_closable' LANGUAGE C STRICT;
COMMENT ON FUNCTION sqm.guard_complaint_closable(sqm.complaint) IS
  'Guard: a complaint or feedback item closes only with a registered answer (or how it was handled): its date, the answer and who answered';
REVOKE ALL ON FUNCTION sqm.complaint_check(sqm.complaint, sqm.complaint),
                       sqm.complaint_detail_check(sqm.complaint_detail, sqm.complaint_detail),
                       sqm.guard_complaint_closable(sqm.complaint) FROM PUBLIC;

-- The row check caches the taxonomy per backend; a change reaches every session.
SELECT sqm.watch_reference('sqm.complaint_subject');

-- ---------------------------------------------------------------------------
-- The govern call: triggers (lifecycle, audit, announcements, the registry
-- claim of regnr), row-level security, dump registration, privileges and
-- classes.  Everyone who may read the cases of the unit, or register matters
-- for it, sees the matter's row (a reporter sees their own unit's matters,
-- never another unit's).  The details -- the sender's identity among them --
-- only the roles that handle complaints, with read_cases for its unit.

SELECT sqm.govern('complaint', 'sqm.complaint',
    classes => '{"internal": ["org_id", "id"],
                 "statistic": ["state", "unit_id", "directed_at_unit", "complaint_kind", "sender_type", "channel", "subjects",
                               "registered_on", "answered_on"],
                 "exact_time": ["received_at", "registered_at", "handling_started_at", "answered_at", "closed_at"],
                 "registry_number": ["regnr"]}',
    label_sv => 'synpunkt eller klagomål', label_en => 'complaint',
    details => 'sqm.complaint_detail',
    details_classes => '{"internal": ["org_id", "id"], "personal": ["sender_name", "answered_by"],
                         "free_text": ["summary", "answer", "withdrawn_reason"]}',
    visible => 'sqm.may_see(org_id, unit_id, NULL) OR sqm.may(org_id, unit_id, ''register_complaint'')',
    row_check => 'sqm.complaint_check(sqm.complaint, sqm.complaint)',
    row_check_on => '{org_id,unit_id,sender_type,subjects,received_at,registered_at,handling_started_at,answered_at}',
    details_check => 'sqm.complaint_detail_check(sqm.complaint_detail, sqm.complaint_detail)',
    details_check_on => '{sender_name}',
    announce => true,
    readers => '{reporter,handlers,auditor,report_reader}',
    details_readers => '{handlers}');
SELECT sqm.count_days('sqm.complaint', '{"registered_on": ["registered_at"], "answered_on": ["answered_at"]}');
SELECT sqm.classify('sqm.complaint_subject', '{"internal": ["org_id"], "statistic": ["code", "label_sv", "label_en", "valid"]}',
                    'complaint');
SELECT sqm.classify('sqm.complaint_follow_up', '{"internal": ["org_id"], "statistic": ["period", "follow_up_on"]}',
                    'complaint');
REVOKE ALL ON sqm.complaint_subject, sqm.complaint_follow_up FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- Lifecycle, as data: registered → under_handling → answered → closed;
-- withdrawn with a reason.  Closing is a move from every open state, and its
-- guard refuses it without a registered answer (domain.md §3.3): an answer
-- given on the spot may be registered and the matter closed in one step.

INSERT INTO sqm.lifecycle_state (kind, state, initial, terminal, label_sv, label_en, builtin) VALUES
    ('complaint', 'registered',     true,  false, 'registrerad',    'registered',     true),
    ('complaint', 'under_handling', false, false, 'under handläggning', 'under handling', true),
    ('complaint', 'answered',       false, false, 'besvarad',       'answered',       true),
    ('complaint', 'closed',         false, true,  'avslutad',       'closed',         true),
    ('complaint', 'withdrawn',      false, true,  'återtagen',      'withdrawn',      true);

INSERT INTO sqm.lifecycle_move (kind, from_state, to_state, capability, guard, requires, builtin) VALUES
    ('complaint', 'registered',     'under_handling', 'handle_complaint', NULL, '{handling_started_at}', true),
    ('complaint', 'registered',     'answered',       'handle_complaint', NULL, '{answered_at,answer,answered_by}', true),
    ('complaint', 'under_handling', 'answered',       'handle_complaint', NULL, '{answered_at,answer,answered_by}', true),
    ('complaint', 'registered',     'closed',         'handle_complaint',
     'sqm.guard_complaint_closable(sqm.complaint)', '{closed_at}', true),
    ('complaint', 'under_handling', 'closed',         'handle_complaint',
     'sqm.guard_complaint_closable(sqm.complaint)', '{closed_at}', true),
    ('complaint', 'answered',       'closed',         'handle_complaint',
     'sqm.guard_complaint_closable(sqm.complaint)', '{closed_at}', true),
    ('complaint', 'registered',     'withdrawn',      'handle_complaint', NULL, '{withdrawn_reason}', true),
    ('complaint', 'under_handling', 'withdrawn',      'handle_complaint', NULL, '{withdrawn_reason}', true);

-- What else the API does to a matter, and the capability each needs.
INSERT INTO sqm.lifecycle_action (kind, action, column_name, capability, label_en, builtin) VALUES
    ('complaint', 'create', NULL, 'register_complaint', 'register a complaint for', true),
    ('complaint', 'edit', NULL, 'handle_complaint', 'edit', true);

-- Who may do what by default (sqm.role_capability; an organisation may change
-- it: sqm.set_delegation).  Any staff member may register what comes in (for
-- their unit); unit managers, investigators and quality coordinators handle
-- and answer.
INSERT INTO sqm.role_capability (role, capability) VALUES
    ('reporter', 'register_complaint'), ('unit_manager', 'register_complaint'),
    ('investigator', 'register_complaint'), ('quality_coordinator', 'register_complaint'),
    ('unit_manager', 'handle_complaint'), ('investigator', 'handle_complaint'),
    ('quality_coordinator', 'handle_complaint');

-- ---------------------------------------------------------------------------
-- Links (sqm.case_relation, doc/core.md).  A complaint may reveal a deviation
-- (both exist; sqm.link_cases), and may lead to a lex Sarah report, made
-- through that kind's constructor (sqm.escalate_complaint); a deviation may
-- be forwarded to a complaint (its relation forwarded_to, declared by the
-- deviation folder for any kind; the constructor is sqm.complaint_from_case,
-- api.sql).

INSERT INTO sqm.case_relation (from_kind, relation, to_kind, capability, label_sv, label_en,
                               inverse_label_sv, inverse_label_en, builtin) VALUES
    ('complaint', 'revealed', 'deviation', 'handle_complaint', 'avslöjade avvikelse', 'revealed a deviation',
     'upptäckt genom synpunkt eller klagomål', 'revealed by a complaint', true),
    ('complaint', 'escalated_to', 'lex_sarah_report', 'handle_complaint', 'utreds enligt lex Sarah', 'led to a lex Sarah report',
     'från synpunkt eller klagomål', 'from a complaint', true);

-- ---------------------------------------------------------------------------
-- Deadlines (doc/deadlines.md): answered within the organisation's routine
-- target, by default 10 working days from the registration (domain.md §4).

INSERT INTO sqm.deadline_event (kind, event, expression, label_sv, label_en, builtin) VALUES
    ('complaint', 'registered', 'o.registered_at', 'registrerad', 'registered', true),
    ('complaint', 'answered', 'o.answered_at', 'besvarad', 'answered', true);

INSERT INTO sqm.deadline_rule (rule, kind, start_event, stop_event, applies, length, unit, legal, basis, basis_valid,
                               warning, label_sv, label_en, builtin) VALUES
    ('complaint_answered', 'complaint', 'registered', 'answered',
     'o.state OPERATOR(pg_catalog.<>) ''withdrawn''', 10, 'working_days', false,
     'rutin', '(,)', '2 days', 'Synpunkten eller klagomålet besvarat', 'Complaint or feedback answered', true);

-- Open items are found through partial indexes on the stop columns.
CREATE INDEX complaint_unanswered_idx ON sqm.complaint (org_id) WHERE answered_at IS NULL;

-- ---------------------------------------------------------------------------
-- Row-level security of the taxonomy and the setting, and privileges.

ALTER TABLE sqm.complaint_subject ENABLE ROW LEVEL SECURITY;
ALTER TABLE sqm.complaint_follow_up ENABLE ROW LEVEL SECURITY;
CREATE POLICY complaint_subject_visible ON sqm.complaint_subject FOR SELECT USING (sqm.is_member(org_id));
CREATE POLICY complaint_follow_up_visible ON sqm.complaint_follow_up FOR SELECT USING (sqm.is_member(org_id));
COMMENT ON POLICY complaint_subject_visible ON sqm.complaint_subject IS 'Members of an organisation see its subjects';
COMMENT ON POLICY complaint_follow_up_visible ON sqm.complaint_follow_up IS 'Members of an organisation see its follow-up days';
SELECT sqm.grant_privilege('complaint', 'SELECT ON sqm.complaint_subject, sqm.complaint_follow_up', '{everyone}');
