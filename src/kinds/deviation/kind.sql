-- Deviations (avvikelser, domain.md §3.1): something that happened inside the
-- organisation where it did not follow a decision, the law, a regulation or
-- its own routines; reported by any staff member, in the unit where it
-- happened.  Its lifecycle is rows of the lifecycle engine; the guards that
-- need logic are C (deviation.c), the rules of its content a row check;
-- nobody but the API functions (api.sql) writes the tables.  Who reported it
-- and everything people wrote about it are in sqm.deviation_detail.

-- The organisation's taxonomy of deviation types, in Swedish and English, each
-- valid for a period so that old reports keep their old types.
CREATE TABLE sqm.deviation_type (
    org_id    bigint NOT NULL REFERENCES sqm.organisation,
    code      text NOT NULL CHECK (code OPERATOR(pg_catalog.~) '^[a-z][a-z0-9_]*$'),
    regime    text NOT NULL DEFAULT 'SoL' CHECK (regime IN ('SoL', 'HSL', 'collaboration')),
    label_sv  text NOT NULL,
    label_en  text NOT NULL,
    valid     daterange NOT NULL DEFAULT 'empty' CHECK (NOT pg_catalog.lower_inf(valid)),
    PRIMARY KEY (org_id, code)
);
COMMENT ON TABLE sqm.deviation_type IS
  'Deviation types of an organisation (sv/en labels), each valid for a period; SoL types serve SoL and LSS reports';
SELECT pg_catalog.pg_extension_config_dump('sqm.deviation_type', '');
COMMENT ON COLUMN sqm.deviation_type.code IS 'Code of the type, unique in the organisation';
COMMENT ON COLUMN sqm.deviation_type.regime IS 'SoL (serving SoL and LSS reports), HSL or collaboration';
COMMENT ON COLUMN sqm.deviation_type.valid IS 'The report dates the type may be used on';

CREATE TABLE sqm.deviation (
    org_id               bigint NOT NULL REFERENCES sqm.organisation,
    id                   bigint NOT NULL DEFAULT pg_catalog.nextval('sqm.case_id_seq'),
    state                text NOT NULL,
    unit_id              bigint NOT NULL,
    regime               text NOT NULL CHECK (regime IN ('SoL', 'LSS', 'HSL', 'collaboration')),
    happened_at          timestamptz NOT NULL,
    reported_at          timestamptz NOT NULL,
    types                text[] NOT NULL,
    collab_direction     text CHECK (collab_direction IN ('received', 'sent')),
    collab_counterpart   text CHECK (pg_catalog.btrim(collab_counterpart) OPERATOR(pg_catalog.<>) ''),
    collab_reply_due     date,
    collab_replied_at    timestamptz,
    severity             text CHECK (severity IN ('low', 'moderate', 'high')),
    triaged_at           timestamptz,
    investigated_at      timestamptz,
    escalated_at         timestamptz,
    closed_at            timestamptz,
    -- the days statistics count by, in the organisation's time zone: kept by
    -- the trigger sqm.count_days sets up (below), for every writer
    reported_on          date,
    investigated_on      date,
    escalated_on         date,
    closed_on            date,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, unit_id) REFERENCES sqm.unit,
    CHECK (happened_at OPERATOR(pg_catalog.<=) reported_at),
    CHECK ((regime OPERATOR(pg_catalog.=) 'collaboration')
           OPERATOR(pg_catalog.=) (collab_direction IS NOT NULL AND collab_counterpart IS NOT NULL AND collab_reply_due IS NOT NULL)),
    CHECK (pg_catalog.cardinality(types) OPERATOR(pg_catalog.>) 0),
    CHECK (collab_replied_at IS NULL OR (collab_direction OPERATOR(pg_catalog.=) 'sent'
                                         AND collab_replied_at OPERATOR(pg_catalog.>=) reported_at))
);
-- Also the clocks of the deviation rules that started in a period
-- (sqm.stat_obligations): it covers every column they read (deadline
-- events and rules below), so a period's reports are read from the index
-- alone rather than one heap page each (issue 15: an organisation's reports
-- are interleaved with every other organisation's).
CREATE INDEX deviation_reported_idx ON sqm.deviation (org_id, reported_at)
    INCLUDE (id, unit_id, state, triaged_at, regime, collab_direction, collab_replied_at);
CREATE INDEX deviation_open_idx ON sqm.deviation (org_id, reported_at) WHERE closed_at IS NULL;
COMMENT ON TABLE sqm.deviation IS
  'Deviation reports (avvikelser): a governed table, written only through the sqm.*deviation* functions; who reported and the free text are in sqm.deviation_detail';
COMMENT ON COLUMN sqm.deviation.regime IS 'SoL or LSS (social services), HSL (health care in own units) or collaboration (with another organisation)';
COMMENT ON COLUMN sqm.deviation.happened_at IS 'When it happened';
COMMENT ON COLUMN sqm.deviation.reported_at IS 'When it was reported; statistics count by this date in the organisation''s time zone';
COMMENT ON COLUMN sqm.deviation.types IS 'Codes from sqm.deviation_type valid on the report date; one report can carry several';
COMMENT ON COLUMN sqm.deviation.collab_direction IS 'Collaboration: received from the other organisation, or sent to it';
COMMENT ON COLUMN sqm.deviation.collab_counterpart IS
  'Collaboration: the other organisation (e.g. the region''s primary care) — an organisation, not a person, so it stays on the case row (class statistic)';
COMMENT ON COLUMN sqm.deviation.collab_reply_due IS 'Collaboration: when the receiver''s reply is due (e.g. 60 days by regional agreement)';
COMMENT ON COLUMN sqm.deviation.collab_replied_at IS 'Collaboration sent: when the receiver replied (stops the collaboration_reply deadline)';
COMMENT ON COLUMN sqm.deviation.severity IS 'Initial assessment of severity at triage: low, moderate, high';
COMMENT ON COLUMN sqm.deviation.triaged_at IS 'When it was triaged';
COMMENT ON COLUMN sqm.deviation.investigated_at IS 'When its investigation summary was first recorded';
COMMENT ON COLUMN sqm.deviation.escalated_at IS 'When it was escalated to lex Sarah';
COMMENT ON COLUMN sqm.deviation.closed_at IS 'When it was closed';
COMMENT ON COLUMN sqm.deviation.reported_on IS
  'The report date in the organisation''s time zone: the day statistics count the report on (filled in from reported_at)';
COMMENT ON COLUMN sqm.deviation.investigated_on IS 'The day of investigated_at in the organisation''s time zone (filled in)';
COMMENT ON COLUMN sqm.deviation.escalated_on IS 'The day of escalated_at in the organisation''s time zone (filled in)';
COMMENT ON COLUMN sqm.deviation.closed_on IS 'The day of closed_at in the organisation''s time zone (filled in)';

CREATE TABLE sqm.deviation_detail (
    org_id               bigint NOT NULL,
    id                   bigint NOT NULL,
    reported_by          text NOT NULL,
    description          text NOT NULL,
    summary              text,
    no_measure_reason    text,
    no_new_measure_reason text,
    withdrawn_reason     text,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, id) REFERENCES sqm.deviation
);
COMMENT ON TABLE sqm.deviation_detail IS
  'Who reported a deviation and what people wrote about it, one row per deviation; readable with read_cases for its unit, and by the reporter for their own report';
COMMENT ON COLUMN sqm.deviation_detail.reported_by IS 'The person who reported it (sqm.caller_identity())';
COMMENT ON COLUMN sqm.deviation_detail.description IS 'What happened';
COMMENT ON COLUMN sqm.deviation_detail.summary IS 'Written investigation summary; required before measures are decided or the report closes';
COMMENT ON COLUMN sqm.deviation_detail.no_measure_reason IS 'Explicit, justified decision that no measure is needed (correcting the error was enough)';
COMMENT ON COLUMN sqm.deviation_detail.no_new_measure_reason IS
  'Explicit, justified decision that no new measure follows a measure evaluated as having no effect (sqm.record_no_new_measure); without it, or a new measure, the deviation does not close';
COMMENT ON COLUMN sqm.deviation_detail.withdrawn_reason IS 'Why it was withdrawn (required to withdraw)';


-- Rules of a deviation's content, for every writer (deviation.c): it is not
-- reported in the future and did not happen after it was reported, its unit
-- existed on the report date and every type is the organisation's, valid
-- then, of the regime, named once.  The lifecycle engine calls it on every
-- insert and on every update of the columns it reads
-- (sqm.lifecycle_kind.row_check_on).
CREATE FUNCTION sqm.deviation_check(new sqm.deviation, old sqm.deviation) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_deviation_check' LANGUAGE C;
COMMENT ON FUNCTION sqm.deviation_check(sqm.deviation, sqm.deviation) IS
  'Row check of deviations (C, called by the lifecycle engine): reported at the latest now and not before it happened (23514), its unit existed on the report date (23503), its types are the organisation''s, valid then, of its regime (23503), each named once (22023), a collaboration reply only to a sent collaboration deviation, between its report and now (23514)';

-- Rules of a deviation's details, for every writer (deviation.c): the
-- investigation summary is written only while the deviation is under
-- investigation (SQ001), and is never empty (23514); nor is the reason why no
-- new measure follows one without effect.  Called on every insert of a
-- details row and on every update of either.
CREATE FUNCTION sqm.deviation_detail_check(new sqm.deviation_detail, old sqm.deviation_detail) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_deviation_detail_check' LANGUAGE C;
COMMENT ON FUNCTION sqm.deviation_detail_check(sqm.deviation_detail, sqm.deviation_detail) IS
  'Row check of deviation details (C, called by the trigger row_check): the investigation summary is written only while the deviation is investigating or escalated (SQ001) and is never empty or blank (23514); the reason why no new measure is needed is never empty (23514)';
REVOKE ALL ON FUNCTION sqm.deviation_check(sqm.deviation, sqm.deviation),
                       sqm.deviation_detail_check(sqm.deviation_detail, sqm.deviation_detail) FROM PUBLIC;

SELECT sqm.govern('deviation', 'sqm.deviation',
    classes => '{"internal": ["org_id", "id"],
                 "statistic": ["state", "unit_id", "regime", "types", "collab_direction", "collab_counterpart",
                               "collab_reply_due", "severity", "reported_on", "investigated_on", "escalated_on",
                               "closed_on"],
                 "exact_time": ["happened_at", "reported_at", "collab_replied_at", "triaged_at", "investigated_at",
                                "escalated_at", "closed_at"]}',
    label_sv => 'avvikelse', label_en => 'deviation',
    details => 'sqm.deviation_detail',
    details_classes => '{"internal": ["org_id", "id"], "personal": ["reported_by"],
                         "free_text": ["description", "summary", "no_measure_reason", "no_new_measure_reason",
                                       "withdrawn_reason"]}',
    -- a reporter sees their own reports, and what they wrote in them, while
    -- they may still report for the unit (sqm.caller_reported, C)
    visible => 'sqm.may_see(org_id, unit_id, NULL) OR sqm.caller_reported(org_id, ''deviation'', id)',
    details_visible => 'sqm.caller_reported(org_id, ''deviation'', id)',
    row_check => 'sqm.deviation_check(sqm.deviation, sqm.deviation)',
    row_check_on => '{unit_id,types,reported_at,regime,happened_at,collab_direction,collab_replied_at}',
    details_check => 'sqm.deviation_detail_check(sqm.deviation_detail, sqm.deviation_detail)',
    details_check_on => '{summary,no_new_measure_reason}',
    announce => true,
    readers => '{reporter,handlers,auditor,report_reader}',
    details_readers => '{reporter,handlers}');
-- The days statistics count a deviation on (reported_on: its period), in the
-- organisation's time zone, kept on the row for every writer.
SELECT sqm.count_days('sqm.deviation', '{"reported_on": ["reported_at"], "investigated_on": ["investigated_at"],
                                         "escalated_on": ["escalated_at"], "closed_on": ["closed_at"]}');
SELECT sqm.classify('sqm.deviation_type', '{"internal": ["org_id"], "statistic": ["code", "regime", "label_sv", "label_en", "valid"]}',
                    'deviation');
-- the row check caches the taxonomy per backend; a change reaches every session
SELECT sqm.watch_reference('sqm.deviation_type');
REVOKE ALL ON sqm.deviation_type FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- Lifecycle, as data.

INSERT INTO sqm.lifecycle_state (kind, state, initial, terminal, label_sv, label_en, builtin) VALUES
    ('deviation', 'reported',         true,  false, 'rapporterad',             'reported',              true),
    ('deviation', 'triaged',          false, false, 'bedömd',                  'triaged',               true),
    ('deviation', 'investigating',    false, false, 'under utredning',         'under investigation',   true),
    ('deviation', 'escalated',        false, false, 'utreds enligt lex Sarah', 'escalated to lex Sarah', true),
    ('deviation', 'measures_decided', false, false, 'åtgärder beslutade',      'measures decided',      true),
    ('deviation', 'measures_done',    false, false, 'åtgärder genomförda',     'measures carried out',  true),
    ('deviation', 'followed_up',      false, false, 'uppföljd',                'followed up',           true),
    ('deviation', 'closed',           false, true,  'avslutad',                'closed',                true),
    ('deviation', 'withdrawn',        false, true,  'återkallad',              'withdrawn',             true),
    ('deviation', 'reclassified',     false, true,  'omklassad',               'reclassified',          true);

-- Guards that need logic (deviation.c); moves that only need a column filled
-- in (of the deviation or of its details) name it in lifecycle_move.requires.
CREATE FUNCTION sqm.guard_deviation_measures_decided(sqm.deviation) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_guard_deviation_measures_decided' LANGUAGE C STRICT;
COMMENT ON FUNCTION sqm.guard_deviation_measures_decided(sqm.deviation) IS
  'Guard: measures are decided after an investigation summary, with at least one linked measure that is not cancelled';
CREATE FUNCTION sqm.guard_deviation_measures_done(sqm.deviation) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_guard_deviation_measures_done' LANGUAGE C STRICT;
COMMENT ON FUNCTION sqm.guard_deviation_measures_done(sqm.deviation) IS
  'Guard: every linked measure is done, evaluated or cancelled, and at least one was carried out';
CREATE FUNCTION sqm.guard_deviation_followed_up(sqm.deviation) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_guard_deviation_followed_up' LANGUAGE C STRICT;
COMMENT ON FUNCTION sqm.guard_deviation_followed_up(sqm.deviation) IS
  'Guard: every linked measure carried out has been evaluated';
CREATE FUNCTION sqm.guard_deviation_closable(sqm.deviation) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_guard_deviation_closable' LANGUAGE C STRICT;
COMMENT ON FUNCTION sqm.guard_deviation_closable(sqm.deviation) IS
  'Guard: closing needs an investigation summary, every linked measure carried out and evaluated or cancelled, at least one evaluated or a reason why no measure is needed, and after each measure that had no effect a new measure or a reason why none';
CREATE FUNCTION sqm.guard_deviation_escalated(sqm.deviation) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_guard_deviation_escalated' LANGUAGE C STRICT;
COMMENT ON FUNCTION sqm.guard_deviation_escalated(sqm.deviation) IS
  'Guard: a deviation is escalated only with a case link escalated_to (the lex Sarah report it led to, sqm.escalate_deviation)';
CREATE FUNCTION sqm.guard_deviation_reclassified(sqm.deviation) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_guard_deviation_reclassified' LANGUAGE C STRICT;
COMMENT ON FUNCTION sqm.guard_deviation_reclassified(sqm.deviation) IS
  'Guard: a deviation is reclassified only with a case link reclassified_to (the deviation of the right regime that replaces it)';
REVOKE ALL ON FUNCTION sqm.guard_deviation_measures_decided(sqm.deviation), sqm.guard_deviation_measures_done(sqm.deviation),
                       sqm.guard_deviation_followed_up(sqm.deviation), sqm.guard_deviation_closable(sqm.deviation),
                       sqm.guard_deviation_escalated(sqm.deviation), sqm.guard_deviation_reclassified(sqm.deviation)
    FROM PUBLIC;

INSERT INTO sqm.lifecycle_move (kind, from_state, to_state, capability, guard, requires, builtin) VALUES
    ('deviation', 'reported',         'triaged',          'triage',          NULL, '{severity,triaged_at}', true),
    ('deviation', 'reported',         'withdrawn',        'withdraw',        NULL, '{withdrawn_reason}', true),
    ('deviation', 'reported',         'reclassified',     'reclassify',      'sqm.guard_deviation_reclassified(sqm.deviation)', '{}', true),
    ('deviation', 'reported',         'escalated',        'escalate',        'sqm.guard_deviation_escalated(sqm.deviation)', '{escalated_at}', true),
    ('deviation', 'triaged',          'investigating',    'investigate',     NULL, '{}', true),
    ('deviation', 'triaged',          'withdrawn',        'withdraw',        NULL, '{withdrawn_reason}', true),
    ('deviation', 'triaged',          'reclassified',     'reclassify',      'sqm.guard_deviation_reclassified(sqm.deviation)', '{}', true),
    ('deviation', 'triaged',          'escalated',        'escalate',        'sqm.guard_deviation_escalated(sqm.deviation)', '{escalated_at}', true),
    ('deviation', 'investigating',    'escalated',        'escalate',        'sqm.guard_deviation_escalated(sqm.deviation)', '{escalated_at}', true),
    ('deviation', 'investigating',    'reclassified',     'reclassify',      'sqm.guard_deviation_reclassified(sqm.deviation)', '{}', true),
    ('deviation', 'investigating',    'measures_decided', 'investigate',     'sqm.guard_deviation_measures_decided(sqm.deviation)', '{}', true),
    ('deviation', 'investigating',    'closed',           'close',           'sqm.guard_deviation_closable(sqm.deviation)', '{closed_at}', true),
    ('deviation', 'escalated',        'measures_decided', 'investigate',     'sqm.guard_deviation_measures_decided(sqm.deviation)', '{}', true),
    ('deviation', 'escalated',        'closed',           'close',           'sqm.guard_deviation_closable(sqm.deviation)', '{closed_at}', true),
    ('deviation', 'measures_decided', 'escalated',        'escalate',        'sqm.guard_deviation_escalated(sqm.deviation)', '{escalated_at}', true),
    ('deviation', 'measures_decided', 'measures_done',    'manage_measures', 'sqm.guard_deviation_measures_done(sqm.deviation)', '{}', true),
    ('deviation', 'measures_done',    'followed_up',      'manage_measures', 'sqm.guard_deviation_followed_up(sqm.deviation)', '{}', true),
    ('deviation', 'followed_up',      'closed',           'close',           'sqm.guard_deviation_closable(sqm.deviation)', '{closed_at}', true);

ALTER TABLE sqm.deviation_type ENABLE ROW LEVEL SECURITY;
CREATE POLICY deviation_type_visible ON sqm.deviation_type FOR SELECT
    USING (sqm.is_member(org_id));
COMMENT ON POLICY deviation_type_visible ON sqm.deviation_type IS 'Members of an organisation see its taxonomy';

-- ---------------------------------------------------------------------------
-- Links a deviation makes (sqm.case_relation, doc/core.md): reclassified to
-- the deviation of the right regime that replaces it; forwarded to a case of
-- another kind it revealed (a data incident, a complaint — created through
-- that kind's constructor; the deviation stays a deviation and is counted).
-- Escalation to lex Sarah is declared by the lex Sarah folder, which accepts it.

INSERT INTO sqm.case_relation (from_kind, relation, to_kind, capability, label_sv, label_en,
                               inverse_label_sv, inverse_label_en, builtin) VALUES
    ('deviation', 'reclassified_to', 'deviation', 'reclassify', 'omklassad till', 'reclassified to',
     'ersätter den omklassade', 'replaces the reclassified', true),
    ('deviation', 'forwarded_to', NULL, 'investigate', 'vidarebefordrad till', 'forwarded to',
     'vidarebefordrad från avvikelse', 'forwarded from a deviation', true);

-- What else the API does to a deviation, and the capability each needs: who
-- holds which is the organisation's delegation order.
INSERT INTO sqm.lifecycle_action (kind, action, column_name, capability, label_en, builtin) VALUES
    ('deviation', 'create', NULL, 'report', 'report a deviation for', true),
    ('deviation', 'edit', NULL, 'investigate', 'edit', true),
    -- why no new measure follows one that had no effect is decided by whoever
    -- closes the deviation (sqm.record_no_new_measure)
    ('deviation', 'edit', 'no_new_measure_reason', 'close', 'decide no new measure for', true);

-- ---------------------------------------------------------------------------
-- Who may do what by default (sqm.role_capability; an organisation may change
-- it: sqm.set_delegation).  The first assessment (triage) is "always made by
-- the designated function" (domain.md §3.1): by default the unit manager,
-- investigator or quality coordinator; an organisation that makes it
-- centrally withdraws it from the unit managers (demo/alingsas.sql).

INSERT INTO sqm.role_capability (role, capability) VALUES
    ('unit_manager', 'triage'), ('unit_manager', 'investigate'), ('unit_manager', 'withdraw'), ('unit_manager', 'close'),
    ('investigator', 'triage'), ('investigator', 'investigate'), ('investigator', 'withdraw'),
    ('investigator', 'reclassify'), ('investigator', 'escalate'), ('investigator', 'close'),
    ('quality_coordinator', 'triage'), ('quality_coordinator', 'investigate'), ('quality_coordinator', 'withdraw'),
    ('quality_coordinator', 'reclassify'), ('quality_coordinator', 'escalate'), ('quality_coordinator', 'close');

-- ---------------------------------------------------------------------------
-- Deadlines (doc/deadlines.md) and notifications.

INSERT INTO sqm.deadline_event (kind, event, expression, label_sv, label_en, builtin) VALUES
    ('deviation', 'reported', 'o.reported_at', 'rapporterad', 'reported', true),
    ('deviation', 'triaged', 'o.triaged_at', 'bedömd', 'triaged', true),
    ('deviation', 'collab_sent', 'o.reported_at', 'samverkansavvikelse skickad', 'collaboration deviation sent', true),
    ('deviation', 'collab_replied', 'o.collab_replied_at', 'svar från mottagaren', 'reply from the receiver', true);

INSERT INTO sqm.deadline_rule (rule, kind, start_event, stop_event, applies, length, unit, legal, basis, basis_valid,
                               warning, label_sv, label_en, builtin) VALUES
    ('deviation_triage', 'deviation', 'reported', 'triaged', NULL, 3, 'working_days', false,
     'rutin', '(,)', '1 day', 'Avvikelsen bedömd', 'Deviation triaged', true),
    ('collaboration_reply', 'deviation', 'collab_sent', 'collab_replied',
     'o.regime OPERATOR(pg_catalog.=) ''collaboration'' AND o.collab_direction OPERATOR(pg_catalog.=) ''sent''',
     60, 'calendar_days', false, 'regional överenskommelse', '(,)', '7 days',
     'Mottagaren har svarat på samverkansavvikelsen', 'Collaboration deviation answered by the receiver', true);

-- Open items are found through partial indexes on the stop columns and on
-- the deviations that are not final (the predicate is the one
-- sqm.obligations_sql writes: the terminal states in order).  They include
-- every column the rules above read, so that the open clocks are read from
-- the index alone (no heap page per open deviation: each is on a page of
-- its own among the closed ones, issue 15).
CREATE INDEX deviation_not_final_idx ON sqm.deviation (org_id)
    INCLUDE (id, unit_id, reported_at, triaged_at, regime, collab_direction, collab_replied_at)
    WHERE state OPERATOR(pg_catalog.<>) ALL ('{closed,reclassified,withdrawn}'::text[]);
CREATE INDEX deviation_untriaged_idx ON sqm.deviation (org_id) INCLUDE (id, unit_id, reported_at, state)
    WHERE triaged_at IS NULL;
CREATE INDEX deviation_collab_unreplied_idx ON sqm.deviation (org_id)
    WHERE collab_replied_at IS NULL AND collab_direction OPERATOR(pg_catalog.=) 'sent';

-- ---------------------------------------------------------------------------
-- Privileges of the group roles (sqm.grant_privilege).

-- (the deviation and its details: sqm.govern above)
SELECT sqm.grant_privilege('deviation', 'SELECT ON sqm.deviation_type', '{everyone}');
