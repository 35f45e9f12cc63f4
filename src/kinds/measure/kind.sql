-- Measures (åtgärder, domain.md §3.7): decided because of a deviation, an
-- investigation, a complaint, an incident …; planned → in progress → done →
-- evaluated (intended effect: yes / partly / no), or cancelled with a reason.
-- A measure names the object it was decided for by kind and id, so any kind
-- can have measures without this folder knowing it.  Its title, the person
-- or function responsible and the reason of a cancellation are in
-- sqm.measure_detail.

CREATE TABLE sqm.measure (
    org_id          bigint NOT NULL REFERENCES sqm.organisation,
    id              bigint NOT NULL DEFAULT pg_catalog.nextval('sqm.case_id_seq'),
    state           text NOT NULL,
    unit_id         bigint NOT NULL,
    source_kind     text NOT NULL,
    source_id       bigint NOT NULL,
    term            text NOT NULL DEFAULT 'short' CHECK (term IN ('short', 'long')),
    due_on          date NOT NULL,
    follow_up_on    date NOT NULL,
    planned_at      timestamptz NOT NULL DEFAULT sqm.now(),
    done_at         timestamptz,
    effect          text CHECK (effect IN ('yes', 'partly', 'no')),
    evaluated_at    timestamptz,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, unit_id) REFERENCES sqm.unit,
    CHECK (follow_up_on OPERATOR(pg_catalog.>=) due_on)
);
CREATE INDEX measure_source_idx ON sqm.measure (org_id, source_kind, source_id);
COMMENT ON TABLE sqm.measure IS
  'Measures (åtgärder) decided because of a deviation, investigation, complaint …: a governed table with its own lifecycle; title, responsible and cancel reason are in sqm.measure_detail';
COMMENT ON COLUMN sqm.measure.source_kind IS 'Kind of the object the measure was decided for (a lifecycle kind, e.g. deviation)';
COMMENT ON COLUMN sqm.measure.source_id IS 'Id of the object the measure was decided for';
COMMENT ON COLUMN sqm.measure.term IS 'short or long term';
COMMENT ON COLUMN sqm.measure.due_on IS 'When it is to be carried out (the measure_done deadline)';
COMMENT ON COLUMN sqm.measure.follow_up_on IS 'When it is to be followed up (the measure_followed_up deadline)';
COMMENT ON COLUMN sqm.measure.planned_at IS
  'When it was planned (sqm.now()); a measure planned at or after the evaluation of one that had no effect is the new measure that evaluation calls for';
COMMENT ON COLUMN sqm.measure.done_at IS 'When it was carried out';
COMMENT ON COLUMN sqm.measure.effect IS 'At evaluation: did it have the intended effect — yes, partly or no ("no" calls for a new measure)';
COMMENT ON COLUMN sqm.measure.evaluated_at IS 'When it was evaluated';

CREATE TABLE sqm.measure_detail (
    org_id          bigint NOT NULL,
    id              bigint NOT NULL,
    title           text NOT NULL,
    responsible     text NOT NULL,
    cancel_reason   text,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, id) REFERENCES sqm.measure
);
COMMENT ON TABLE sqm.measure_detail IS
  'The free text and personal data of a measure, one row per measure; readable with read_cases for the measure''s unit';
COMMENT ON COLUMN sqm.measure_detail.title IS 'What is to be done (free text)';
COMMENT ON COLUMN sqm.measure_detail.responsible IS 'The person or function responsible';
COMMENT ON COLUMN sqm.measure_detail.cancel_reason IS 'Why it was cancelled (required to cancel)';

-- Rules of a measure, for every writer (measure.c): it is decided for an open
-- case of its organisation (SQ004), keeps that case (55000), and its dates
-- move only with a reason (SQ002).  The lifecycle engine calls it on every
-- insert and on every update of the columns it reads.
CREATE FUNCTION sqm.measure_check(new sqm.measure, old sqm.measure) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_measure_check' LANGUAGE C;
COMMENT ON FUNCTION sqm.measure_check(sqm.measure, sqm.measure) IS
  'Row check of measures (C, called by the lifecycle engine): decided for a case of a known kind (22023) in its organisation (23503) that is not in a terminal state (SQ004), for good (55000); its due and follow-up dates move only with a reason (SQ002)';
REVOKE ALL ON FUNCTION sqm.measure_check(sqm.measure, sqm.measure) FROM PUBLIC;

SELECT sqm.govern('measure', 'sqm.measure',
    classes => '{"internal": ["org_id", "id", "source_kind", "source_id"],
                 "statistic": ["state", "unit_id", "term", "due_on", "follow_up_on", "effect"],
                 "exact_time": ["planned_at", "done_at", "evaluated_at"]}',
    label_sv => 'åtgärd', label_en => 'measure',
    details => 'sqm.measure_detail',
    details_classes => '{"internal": ["org_id", "id"], "free_text": ["title", "cancel_reason"], "personal": ["responsible"]}',
    row_check => 'sqm.measure_check(sqm.measure, sqm.measure)',
    row_check_on => '{source_kind,source_id,due_on,follow_up_on}',
    readers => '{reporter,handlers,auditor,report_reader}',
    details_readers => '{reporter,handlers}');

-- ---------------------------------------------------------------------------
-- Lifecycle, as data.

INSERT INTO sqm.lifecycle_state (kind, state, initial, terminal, label_sv, label_en, builtin) VALUES
    ('measure',   'planned',          true,  false, 'planerad',                'planned',               true),
    ('measure',   'in_progress',      false, false, 'pågår',                   'in progress',           true),
    ('measure',   'done',             false, false, 'genomförd',               'done',                  true),
    ('measure',   'evaluated',        false, true,  'utvärderad',              'evaluated',             true),
    ('measure',   'cancelled',        false, true,  'avbruten',                'cancelled',             true);

INSERT INTO sqm.lifecycle_move (kind, from_state, to_state, capability, guard, requires, builtin) VALUES
    ('measure',   'planned',          'in_progress',      'manage_measures', NULL, '{}', true),
    ('measure',   'planned',          'cancelled',        'manage_measures', NULL, '{cancel_reason}', true),
    ('measure',   'in_progress',      'done',             'manage_measures', NULL, '{done_at}', true),
    ('measure',   'in_progress',      'cancelled',        'manage_measures', NULL, '{cancel_reason}', true),
    ('measure',   'done',             'evaluated',        'manage_measures', NULL, '{effect,evaluated_at}', true);

-- What else the API does to a measure: plan one for a case of any kind (the
-- capability is checked for that case's unit), edit one.
INSERT INTO sqm.lifecycle_action (kind, action, column_name, capability, label_en, builtin) VALUES
    ('measure', 'create', NULL, 'manage_measures', 'plan a measure for', true),
    ('measure', 'edit', NULL, 'manage_measures', 'edit', true);

-- ---------------------------------------------------------------------------
-- Who may do what by default (sqm.role_capability; an organisation may change
-- it: sqm.set_delegation).

INSERT INTO sqm.role_capability (role, capability) VALUES
    ('unit_manager', 'manage_measures'), ('investigator', 'manage_measures'), ('quality_coordinator', 'manage_measures');

-- ---------------------------------------------------------------------------
-- Deadlines (doc/deadlines.md): the measure's own due and follow-up dates.

INSERT INTO sqm.deadline_event (kind, event, expression, label_sv, label_en, builtin, day_column) VALUES
    -- the start of the day in the organisation's time zone (g: its organisation);
    -- that day is the column itself, so a period's clocks are an index range
    -- on it (measure_due_on_idx, measure_follow_up_on_idx below)
    ('measure', 'due', '(o.due_on::timestamp AT TIME ZONE g.time_zone)', 'planerat klart', 'due date', true, 'due_on'),
    ('measure', 'follow_up', '(o.follow_up_on::timestamp AT TIME ZONE g.time_zone)', 'uppföljningsdatum', 'follow-up date', true,
     'follow_up_on'),
    ('measure', 'done', 'o.done_at', 'genomförd', 'done', true, NULL),
    ('measure', 'evaluated', 'o.evaluated_at', 'utvärderad', 'evaluated', true, NULL);

INSERT INTO sqm.deadline_rule (rule, kind, start_event, stop_event, applies, length, unit, legal, basis, basis_valid,
                               warning, label_sv, label_en, builtin) VALUES
    ('measure_done', 'measure', 'due', 'done', NULL, 1, 'calendar_days', false,
     'beslut om åtgärd', '(,)', '7 days', 'Åtgärden genomförd', 'Measure done', true),
    ('measure_followed_up', 'measure', 'follow_up', 'evaluated', NULL, 1, 'calendar_days', false,
     'beslut om åtgärd', '(,)', '7 days', 'Åtgärden uppföljd', 'Measure followed up', true);

-- Open items are found through partial indexes on the stop columns and on
-- the measures that are not final (the predicate is the one
-- sqm.obligations_sql writes: the terminal states in order), including
-- every column the rules above read: the open clocks are read from the
-- index alone.
CREATE INDEX measure_not_final_idx ON sqm.measure (org_id) INCLUDE (id, unit_id, due_on, follow_up_on, done_at, evaluated_at)
    WHERE state OPERATOR(pg_catalog.<>) ALL ('{cancelled,evaluated}'::text[]);
-- The clocks that started in a period (sqm.stat_obligations): a range on
-- the start day, with every column the rules read, from the index alone
-- (issue 15: without it, every measure the organisation ever planned was
-- read for each of the two rules).
CREATE INDEX measure_due_on_idx ON sqm.measure (org_id, due_on) INCLUDE (id, unit_id, state, done_at);
CREATE INDEX measure_follow_up_on_idx ON sqm.measure (org_id, follow_up_on) INCLUDE (id, unit_id, state, evaluated_at);
CREATE INDEX measure_not_done_idx ON sqm.measure (org_id) WHERE done_at IS NULL;
CREATE INDEX measure_not_evaluated_idx ON sqm.measure (org_id) WHERE evaluated_at IS NULL;
