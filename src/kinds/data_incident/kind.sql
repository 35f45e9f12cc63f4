-- Personal data incidents (personuppgiftsincidenter, domain.md §3.4): a breach
-- of personal data security -- a document or a message to the wrong
-- recipient, a lost folder or USB stick, unauthorised access.  Recorded with
-- when it happened and when the organisation became aware of it, its unit,
-- type, cause, the data and the people concerned as categories and counts
-- (never names), and a risk assessment for the people concerned.  Unless it
-- is unlikely to result in a risk, it is notified to the data protection
-- authority (IMY) within 72 hours of awareness, later only with the reasons
-- for the delay (GDPR art. 33(1)); with a high risk the people concerned are
-- told, or an exception of art. 34(3) is recorded (art. 34); every incident
-- is documented whatever its outcome (art. 33(5)) and gets an action plan,
-- without which it does not close.
--
--   sqm.data_incident_type    the organisation's taxonomy of incident types,
--                             sv/en, each valid for a period
--   sqm.data_incident         governed (kind data_incident): what statistics
--                             need
--   sqm.data_incident_detail  who reported it, what happened, the risk
--                             assessment's justification and who made it,
--                             IMY's reference and the reasons for a late
--                             notification, the art. 34(3) exception, the
--                             action plan and who is responsible
--
-- Every rule is C (data_incident.c): the row check of the incident, the
-- row check of its details and the guards of its moves.  The action plan's
-- measures are measures of the incident (sqm.plan_measure(org,
-- 'data_incident', id, ...)).  Nobody but the API functions (api.sql) writes
-- the tables; sqm.govern wires them.

-- ---------------------------------------------------------------------------
-- The taxonomy of incident types.

CREATE TABLE sqm.data_incident_type (
    org_id    bigint NOT NULL REFERENCES sqm.organisation,
    code      text NOT NULL CHECK (code OPERATOR(pg_catalog.~) '^[a-z][a-z0-9_]*$'),
    label_sv  text NOT NULL,
    label_en  text NOT NULL,
    valid     daterange NOT NULL CHECK (NOT pg_catalog.lower_inf(valid) AND NOT pg_catalog.isempty(valid)),
    PRIMARY KEY (org_id, code)
);
COMMENT ON TABLE sqm.data_incident_type IS
  'The types of personal data incidents of an organisation (wrong recipient, lost document or device, unauthorised access …), sv/en labels, each valid for a period';
COMMENT ON COLUMN sqm.data_incident_type.code IS 'Code of the type, unique in the organisation';
COMMENT ON COLUMN sqm.data_incident_type.valid IS 'The awareness dates the type may be used on';
SELECT pg_catalog.pg_extension_config_dump('sqm.data_incident_type', '');

-- ---------------------------------------------------------------------------
-- The governed table and its details.

CREATE TABLE sqm.data_incident (
    org_id                   bigint NOT NULL REFERENCES sqm.organisation,
    id                       bigint NOT NULL DEFAULT pg_catalog.nextval('sqm.case_id_seq'),
    state                    text NOT NULL,
    unit_id                  bigint NOT NULL,
    regnr                    sqm.regnr,
    incident_type            text NOT NULL,
    cause                    text NOT NULL
                             CHECK (cause IN ('human_error', 'technical', 'routine', 'external', 'unknown')),
    happened_at              timestamptz NOT NULL,
    aware_at                 timestamptz NOT NULL,
    registered_at            timestamptz NOT NULL,
    data_categories          text[] NOT NULL,
    data_subject_categories  text[] NOT NULL,
    data_subjects_count      integer CHECK (data_subjects_count OPERATOR(pg_catalog.>=) 0),
    recovered_at             timestamptz,
    risk                     text CHECK (risk IN ('unlikely', 'risk', 'high')),
    assessed_at              timestamptz,
    imy_notified_at          timestamptz,
    -- notified more than 72 real hours after awareness (GDPR art. 33(1)),
    -- computed for every writer: the moments are exact times, the flag a
    -- statistic the report reader may count
    imy_late                 boolean GENERATED ALWAYS AS
                             (imy_notified_at OPERATOR(pg_catalog.-) aware_at OPERATOR(pg_catalog.>) interval '72 hours') STORED,
    informing                text CHECK (informing IN ('informed', 'exception')),
    informed_at              timestamptz,
    action_plan_at           timestamptz,
    closed_at                timestamptz,
    -- the days statistics count by, in the organisation's time zone, kept by
    -- the trigger sqm.count_days sets up (below), for every writer
    aware_on                 date,
    imy_notified_on          date,
    informed_on              date,
    action_plan_on           date,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, unit_id) REFERENCES sqm.unit,
    CHECK (happened_at OPERATOR(pg_catalog.<=) aware_at),
    CHECK (aware_at OPERATOR(pg_catalog.<=) registered_at),
    CHECK ((informing IS NULL) OPERATOR(pg_catalog.=) (informed_at IS NULL))
);
CREATE INDEX data_incident_aware_idx ON sqm.data_incident (org_id, aware_at);
COMMENT ON TABLE sqm.data_incident IS
  'Personal data incidents (personuppgiftsincidenter): a governed table, written only through the sqm.*data_incident* functions; who reported it and what people wrote are in sqm.data_incident_detail; the people concerned only as categories and counts';
COMMENT ON COLUMN sqm.data_incident.unit_id IS 'The unit where it happened';
COMMENT ON COLUMN sqm.data_incident.regnr IS
  'Registry number (diarienummer), claimed in the organisation''s registry (unique per organisation across every kind) when it is given; never changes';
COMMENT ON COLUMN sqm.data_incident.incident_type IS 'A code of sqm.data_incident_type valid on the awareness date';
COMMENT ON COLUMN sqm.data_incident.cause IS 'human_error, technical, routine (a missing or wrong routine), external or unknown';
COMMENT ON COLUMN sqm.data_incident.happened_at IS 'When the breach happened';
COMMENT ON COLUMN sqm.data_incident.aware_at IS
  'When the organisation became aware of it: the 72-hour IMY clock starts here (GDPR art. 33(1)), and it counts in this day''s period';
COMMENT ON COLUMN sqm.data_incident.registered_at IS 'When it was reported to the data protection function and registered';
COMMENT ON COLUMN sqm.data_incident.data_categories IS
  'The kinds of personal data concerned: identity, contact, social_services, health, financial, protected_identity, offences, other';
COMMENT ON COLUMN sqm.data_incident.data_subject_categories IS
  'The kinds of people concerned: service_user, child, guardian, relative, staff, other';
COMMENT ON COLUMN sqm.data_incident.data_subjects_count IS 'How many people are concerned (NULL: not known)';
COMMENT ON COLUMN sqm.data_incident.recovered_at IS 'For a lost document or device: when it was found again';
COMMENT ON COLUMN sqm.data_incident.risk IS
  'The risk assessment for the people concerned: unlikely (unlikely to result in a risk: not notified to IMY), risk, or high (the people concerned are told)';
COMMENT ON COLUMN sqm.data_incident.assessed_at IS 'When the risk was (last) assessed';
COMMENT ON COLUMN sqm.data_incident.imy_notified_at IS 'When IMY was notified (the notification''s time, not the time it was recorded)';
COMMENT ON COLUMN sqm.data_incident.imy_late IS
  'Whether IMY was notified more than 72 real hours after awareness (GDPR art. 33(1): then with the reasons for the delay); computed';
COMMENT ON COLUMN sqm.data_incident.informing IS
  'For a high risk (GDPR art. 34): informed (the people concerned were told) or exception (an exception of art. 34(3) recorded instead)';
COMMENT ON COLUMN sqm.data_incident.informed_at IS 'When the people concerned were told, or the exception was recorded';
COMMENT ON COLUMN sqm.data_incident.action_plan_at IS 'When the action plan was registered';
COMMENT ON COLUMN sqm.data_incident.closed_at IS 'When it was closed';
COMMENT ON COLUMN sqm.data_incident.aware_on IS
  'The awareness date in the organisation''s time zone: the day statistics count it on (filled in from aware_at)';
COMMENT ON COLUMN sqm.data_incident.imy_notified_on IS 'The day IMY was notified, in the organisation''s time zone (filled in)';
COMMENT ON COLUMN sqm.data_incident.informed_on IS 'The day of informed_at in the organisation''s time zone (filled in)';
COMMENT ON COLUMN sqm.data_incident.action_plan_on IS 'The day the action plan was registered, in the organisation''s time zone (filled in)';

CREATE TABLE sqm.data_incident_detail (
    org_id                   bigint NOT NULL,
    id                       bigint NOT NULL,
    reported_by              text NOT NULL,
    description              text NOT NULL,
    risk_justification       text,
    assessed_by              text,
    imy_reference            text,
    imy_late_reason          text,
    informing_exception      text,
    action_plan              text,
    action_plan_responsible  text,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, id) REFERENCES sqm.data_incident
);
COMMENT ON TABLE sqm.data_incident_detail IS
  'Who reported a personal data incident and what people wrote about it, one row per incident; readable only by those who handle incidents (unit managers, investigators, quality coordinators) with read_cases for its unit';
COMMENT ON COLUMN sqm.data_incident_detail.reported_by IS 'Who reported it (sqm.caller_identity())';
COMMENT ON COLUMN sqm.data_incident_detail.description IS 'What happened (without the names of the people concerned)';
COMMENT ON COLUMN sqm.data_incident_detail.risk_justification IS 'Why the risk was assessed as it was (required with the assessment)';
COMMENT ON COLUMN sqm.data_incident_detail.assessed_by IS 'Who assessed the risk (a person or the function, e.g. dataskyddssamordnare)';
COMMENT ON COLUMN sqm.data_incident_detail.imy_reference IS 'IMY''s reference of the notification';
COMMENT ON COLUMN sqm.data_incident_detail.imy_late_reason IS
  'The reasons for the delay of a notification more than 72 hours after awareness (GDPR art. 33(1)); required then';
COMMENT ON COLUMN sqm.data_incident_detail.informing_exception IS
  'The exception of GDPR art. 34(3) that applies, and why, when the people concerned are not told (informing = exception)';
COMMENT ON COLUMN sqm.data_incident_detail.action_plan IS 'The action plan: what is done so that it does not happen again';
COMMENT ON COLUMN sqm.data_incident_detail.action_plan_responsible IS 'Who is responsible for the action plan (a person or a function)';

-- ---------------------------------------------------------------------------
-- Rules for every writer (data_incident.c).

CREATE FUNCTION sqm.data_incident_check(new sqm.data_incident, old sqm.data_incident) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_data_incident_check' LANGUAGE C;
COMMENT ON FUNCTION sqm.data_incident_check(sqm.data_incident, sqm.data_incident) IS
  'Row check of personal data incidents (C, called by the lifecycle engine): aware at the latest now and not before it happened, registered between awareness and now (23514); its unit existed on the awareness date (23503); its type is the organisation''s, valid then (23503); the data and people concerned are known categories (23514); recovered, assessed, notified to IMY, informed and the action plan dated between awareness (or the event) and now (23514); no notification to IMY for an incident assessed unlikely to result in a risk (SQ002); a notification more than 72 real hours after awareness only with the reasons for the delay (23514); an exception of art. 34(3) only with its ground (23514)';
CREATE FUNCTION sqm.data_incident_detail_check(new sqm.data_incident_detail, old sqm.data_incident_detail) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_data_incident_detail_check' LANGUAGE C;
COMMENT ON FUNCTION sqm.data_incident_detail_check(sqm.data_incident_detail, sqm.data_incident_detail) IS
  'Row check of the details of personal data incidents (C, called by the trigger row_check): the reasons for a late notification to IMY, and the ground of an art. 34(3) exception, are not removed while the incident needs them (23514)';
CREATE FUNCTION sqm.guard_data_incident_planned(sqm.data_incident) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_guard_data_incident_planned' LANGUAGE C STRICT;
COMMENT ON FUNCTION sqm.guard_data_incident_planned(sqm.data_incident) IS
  'Guard: the action plan follows what the risk called for: IMY notified unless the risk is unlikely, the people concerned told (or an art. 34(3) exception recorded) when it is high';
CREATE FUNCTION sqm.guard_data_incident_closable(sqm.data_incident) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_guard_data_incident_closable' LANGUAGE C STRICT;
COMMENT ON FUNCTION sqm.guard_data_incident_closable(sqm.data_incident) IS
  'Guard: an incident closes only assessed, with its action plan registered (date, content, responsible), IMY notified unless the risk is unlikely and the people concerned told (or an exception recorded) when it is high';
REVOKE ALL ON FUNCTION sqm.data_incident_check(sqm.data_incident, sqm.data_incident),
                       sqm.data_incident_detail_check(sqm.data_incident_detail, sqm.data_incident_detail),
                       sqm.guard_data_incident_planned(sqm.data_incident),
                       sqm.guard_data_incident_closable(sqm.data_incident) FROM PUBLIC;

-- The row check caches the taxonomy per backend; a change reaches every session.
SELECT sqm.watch_reference('sqm.data_incident_type');

-- ---------------------------------------------------------------------------
-- The govern call.  Who may read the cases of the unit, or report incidents
-- for it, sees the incident's row (a reporter their own unit's, never
-- another's); the details only the roles that handle incidents, with
-- read_cases for its unit.

SELECT sqm.govern('data_incident', 'sqm.data_incident',
    classes => '{"internal": ["org_id", "id"],
                 "statistic": ["state", "unit_id", "incident_type", "cause", "data_categories", "data_subject_categories",
                               "data_subjects_count", "risk", "imy_late", "informing",
                               "aware_on", "imy_notified_on", "informed_on", "action_plan_on"],
                 "exact_time": ["happened_at", "aware_at", "registered_at", "recovered_at", "assessed_at",
                                "imy_notified_at", "informed_at", "action_plan_at", "closed_at"],
                 "registry_number": ["regnr"]}',
    label_sv => 'personuppgiftsincident', label_en => 'personal data incident',
    details => 'sqm.data_incident_detail',
    details_classes => '{"internal": ["org_id", "id"],
                         "personal": ["reported_by", "assessed_by", "action_plan_responsible"],
                         "free_text": ["description", "risk_justification", "imy_reference", "imy_late_reason",
                                       "informing_exception", "action_plan"]}',
    visible => 'sqm.may_see(org_id, unit_id, NULL) OR sqm.may(org_id, unit_id, ''report_data_incident'')',
    row_check => 'sqm.data_incident_check(sqm.data_incident, sqm.data_incident)',
    row_check_on => '{org_id,unit_id,incident_type,happened_at,aware_at,registered_at,data_categories,data_subject_categories,recovered_at,risk,assessed_at,imy_notified_at,informing,informed_at,action_plan_at}',
    details_check => 'sqm.data_incident_detail_check(sqm.data_incident_detail, sqm.data_incident_detail)',
    details_check_on => '{imy_late_reason,informing_exception}',
    announce => true,
    readers => '{reporter,handlers,auditor,report_reader}',
    details_readers => '{handlers}');
SELECT sqm.count_days('sqm.data_incident', '{"aware_on": ["aware_at"], "imy_notified_on": ["imy_notified_at"],
                                             "informed_on": ["informed_at"], "action_plan_on": ["action_plan_at"]}');
SELECT sqm.classify('sqm.data_incident_type', '{"internal": ["org_id"], "statistic": ["code", "label_sv", "label_en", "valid"]}',
                    'data_incident');
REVOKE ALL ON sqm.data_incident_type FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- Lifecycle, as data: reported → assessed → [notified to IMY, unless the risk
-- is unlikely] → [the people concerned informed, or an exception recorded,
-- when it is high] → action plan registered → closed.  The action plan
-- follows what the risk called for (guard); closing is a move from every
-- open state, and its guard refuses it without an action plan (domain.md
-- §3.4: "closure without one is refused").

INSERT INTO sqm.lifecycle_state (kind, state, initial, terminal, label_sv, label_en, builtin) VALUES
    ('data_incident', 'reported',       true,  false, 'rapporterad',              'reported',                     true),
    ('data_incident', 'assessed',       false, false, 'riskbedömd',               'risk assessed',                true),
    ('data_incident', 'notified',       false, false, 'anmäld till IMY',          'notified to IMY',              true),
    ('data_incident', 'informed',       false, false, 'de registrerade informerade', 'the people concerned informed', true),
    ('data_incident', 'action_planned', false, false, 'handlingsplan registrerad', 'action plan registered',      true),
    ('data_incident', 'closed',         false, true,  'avslutad',                 'closed',                       true);

INSERT INTO sqm.lifecycle_move (kind, from_state, to_state, capability, guard, requires, builtin) VALUES
    ('data_incident', 'reported', 'assessed', 'assess_data_incident', NULL,
     '{risk,assessed_at,risk_justification,assessed_by}', true),
    ('data_incident', 'assessed', 'notified', 'notify_imy', NULL, '{imy_notified_at,imy_reference}', true),
    ('data_incident', 'notified', 'informed', 'handle_data_incident', NULL, '{informing,informed_at}', true),
    ('data_incident', 'assessed', 'action_planned', 'handle_data_incident',
     'sqm.guard_data_incident_planned(sqm.data_incident)', '{action_plan_at,action_plan,action_plan_responsible}', true),
    ('data_incident', 'notified', 'action_planned', 'handle_data_incident',
     'sqm.guard_data_incident_planned(sqm.data_incident)', '{action_plan_at,action_plan,action_plan_responsible}', true),
    ('data_incident', 'informed', 'action_planned', 'handle_data_incident',
     'sqm.guard_data_incident_planned(sqm.data_incident)', '{action_plan_at,action_plan,action_plan_responsible}', true),
    ('data_incident', 'reported', 'closed', 'handle_data_incident',
     'sqm.guard_data_incident_closable(sqm.data_incident)', '{closed_at}', true),
    ('data_incident', 'assessed', 'closed', 'handle_data_incident',
     'sqm.guard_data_incident_closable(sqm.data_incident)', '{closed_at}', true),
    ('data_incident', 'notified', 'closed', 'handle_data_incident',
     'sqm.guard_data_incident_closable(sqm.data_incident)', '{closed_at}', true),
    ('data_incident', 'informed', 'closed', 'handle_data_incident',
     'sqm.guard_data_incident_closable(sqm.data_incident)', '{closed_at}', true),
    ('data_incident', 'action_planned', 'closed', 'handle_data_incident',
     'sqm.guard_data_incident_closable(sqm.data_incident)', '{closed_at}', true);

-- What else the API does to an incident, and the capability each needs.  A
-- write of the risk (a reassessment too) needs assess_data_incident, a write
-- of the notification's time notify_imy, through whatever function makes it:
-- the risk is assessed, and IMY notified, by the organisation's designated
-- function.
INSERT INTO sqm.lifecycle_action (kind, action, column_name, capability, label_en, builtin) VALUES
    ('data_incident', 'create', NULL, 'report_data_incident', 'report a personal data incident for', true),
    ('data_incident', 'edit', NULL, 'handle_data_incident', 'edit', true),
    ('data_incident', 'edit', 'risk', 'assess_data_incident', 'assess the risk of', true),
    ('data_incident', 'edit', 'imy_notified_at', 'notify_imy', 'notify IMY of', true);

-- Who may do what by default (sqm.role_capability; an organisation may change
-- it: sqm.set_delegation).  Any staff member reports an incident of their
-- unit; unit managers, investigators and quality coordinators handle it and
-- register the action plan; the quality coordinator -- standing in for the
-- data protection function -- assesses the risk and notifies IMY on the
-- organisation's behalf.
INSERT INTO sqm.role_capability (role, capability) VALUES
    ('reporter', 'report_data_incident'), ('unit_manager', 'report_data_incident'),
    ('investigator', 'report_data_incident'), ('quality_coordinator', 'report_data_incident'),
    ('unit_manager', 'handle_data_incident'), ('investigator', 'handle_data_incident'),
    ('quality_coordinator', 'handle_data_incident'),
    ('quality_coordinator', 'assess_data_incident'), ('quality_coordinator', 'notify_imy');

-- ---------------------------------------------------------------------------
-- Deadlines (doc/deadlines.md; domain.md §4): IMY notified within 72 real
-- hours of awareness unless the risk is unlikely (GDPR art. 33(1), a legal
-- limit); with a high risk the people concerned told without undue delay
-- (art. 34(1): a routine target, default 3 days from the assessment); the
-- action plan registered (routine, default 14 days from awareness).

INSERT INTO sqm.deadline_event (kind, event, expression, label_sv, label_en, builtin) VALUES
    ('data_incident', 'aware', 'o.aware_at', 'organisationen fick kännedom', 'the organisation became aware', true),
    ('data_incident', 'assessed', 'o.assessed_at', 'riskbedömd', 'risk assessed', true),
    ('data_incident', 'imy_notified', 'o.imy_notified_at', 'anmäld till IMY', 'notified to IMY', true),
    ('data_incident', 'informed', 'o.informed_at', 'de registrerade informerade (eller undantag)',
     'the people concerned informed (or an exception)', true),
    ('data_incident', 'action_planned', 'o.action_plan_at', 'handlingsplan registrerad', 'action plan registered', true);

INSERT INTO sqm.deadline_rule (rule, kind, start_event, stop_event, applies, length, unit, legal, basis, basis_valid,
                               warning, label_sv, label_en, builtin) VALUES
    ('imy_notification', 'data_incident', 'aware', 'imy_notified',
     'o.risk IS DISTINCT FROM ''unlikely''', 72, 'hours', true,
     'art. 33.1 dataskyddsförordningen (EU) 2016/679', '(,)', '24 hours',
     'Anmälan till IMY inom 72 timmar', 'Notification to IMY within 72 hours', true),
    ('data_subjects_informed', 'data_incident', 'assessed', 'informed',
     'o.risk OPERATOR(pg_catalog.=) ''high''', 3, 'calendar_days', false,
     'rutin (art. 34.1 dataskyddsförordningen: utan onödigt dröjsmål)', '(,)', '1 day',
     'De registrerade informerade', 'The people concerned informed', true),
    ('data_incident_action_plan', 'data_incident', 'aware', 'action_planned', NULL, 14, 'calendar_days', false,
     'rutin', '(,)', '3 days', 'Handlingsplan registrerad', 'Action plan registered', true);

-- Open items are found through partial indexes on the stop columns.
CREATE INDEX data_incident_unnotified_idx ON sqm.data_incident (org_id) WHERE imy_notified_at IS NULL;
CREATE INDEX data_incident_unplanned_idx ON sqm.data_incident (org_id) WHERE action_plan_at IS NULL;

-- ---------------------------------------------------------------------------
-- Row-level security of the taxonomy, and privileges.

ALTER TABLE sqm.data_incident_type ENABLE ROW LEVEL SECURITY;
CREATE POLICY data_incident_type_visible ON sqm.data_incident_type FOR SELECT USING (sqm.is_member(org_id));
COMMENT ON POLICY data_incident_type_visible ON sqm.data_incident_type IS 'Members of an organisation see its incident types';
SELECT sqm.grant_privilege('data_incident', 'SELECT ON sqm.data_incident_type', '{everyone}');
