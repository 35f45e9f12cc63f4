-- Measures (åtgärder, domain.md §3.7): decided because of a deviation, an
-- investigation, a complaint, an incident …; planned → in progress → done →
-- evaluated (intended effect: yes / partly / no), or cancelled with a reason.
-- A measure names the object it was decided for by kind and id, so any kind
-- can have measures without this folder knowing it.

CREATE TABLE sqm.measure (
    org_id          bigint NOT NULL REFERENCES sqm.organisation,
    id              bigint NOT NULL DEFAULT pg_catalog.nextval('sqm.case_id_seq'),
    state           text NOT NULL,
    unit_id         bigint NOT NULL,
    source_kind     text NOT NULL,
    source_id       bigint NOT NULL,
    title           text NOT NULL CHECK (pg_catalog.btrim(title) OPERATOR(pg_catalog.<>) ''),
    term            text NOT NULL DEFAULT 'short' CHECK (term IN ('short', 'long')),
    responsible     text NOT NULL,
    due_on          date NOT NULL,
    follow_up_on    date NOT NULL,
    done_at         timestamptz,
    effect          text CHECK (effect IN ('yes', 'partly', 'no')),
    evaluated_at    timestamptz,
    cancel_reason   text,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, unit_id) REFERENCES sqm.unit,
    CHECK (follow_up_on OPERATOR(pg_catalog.>=) due_on)
);
CREATE INDEX measure_source_idx ON sqm.measure (org_id, source_kind, source_id);
COMMENT ON TABLE sqm.measure IS
  'Measures (åtgärder) decided because of a deviation, investigation, complaint …: a governed table with its own lifecycle';
COMMENT ON COLUMN sqm.measure.source_kind IS 'Kind of the object the measure was decided for (a lifecycle kind, e.g. deviation)';
COMMENT ON COLUMN sqm.measure.effect IS 'At evaluation: did it have the intended effect — yes, partly or no ("no" calls for a new measure)';
SELECT pg_catalog.pg_extension_config_dump('sqm.measure', '');
REVOKE ALL ON sqm.measure FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- Lifecycle, as data.

INSERT INTO sqm.lifecycle_kind (kind, governed_table, label_sv, label_en, builtin) VALUES
    ('measure',   'sqm.measure',   'åtgärd',    'measure',   true);

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

CREATE TRIGGER lifecycle BEFORE INSERT OR UPDATE OR DELETE ON sqm.measure
    FOR EACH ROW EXECUTE FUNCTION sqm.lifecycle_enforce('measure');
CREATE TRIGGER audit AFTER INSERT OR UPDATE ON sqm.measure
    FOR EACH ROW EXECUTE FUNCTION sqm.audit_record('measure');

ALTER TABLE sqm.measure ENABLE ROW LEVEL SECURITY;
CREATE POLICY measure_visible ON sqm.measure FOR SELECT
    USING (sqm.may_see(org_id, unit_id, NULL));
COMMENT ON POLICY measure_visible ON sqm.measure IS 'A member sees the measures of the units their sqm role covers';

-- ---------------------------------------------------------------------------
-- Who may do what (sqm.role_capability).

INSERT INTO sqm.role_capability (role, capability) VALUES
    ('unit_manager', 'manage_measures'), ('investigator', 'manage_measures'), ('quality_coordinator', 'manage_measures');

-- ---------------------------------------------------------------------------
-- Deadlines (doc/deadlines.md): the measure's own due and follow-up dates.

INSERT INTO sqm.deadline_event (kind, event, expression, label_sv, label_en, builtin) VALUES
    ('measure', 'due',
     '(o.due_on::timestamp AT TIME ZONE (SELECT g.time_zone FROM sqm.organisation g WHERE g.org_id OPERATOR(pg_catalog.=) o.org_id))',
     'planerat klart', 'due date', true),
    ('measure', 'follow_up',
     '(o.follow_up_on::timestamp AT TIME ZONE (SELECT g.time_zone FROM sqm.organisation g WHERE g.org_id OPERATOR(pg_catalog.=) o.org_id))',
     'uppföljningsdatum', 'follow-up date', true),
    ('measure', 'done', 'o.done_at', 'genomförd', 'done', true),
    ('measure', 'evaluated', 'o.evaluated_at', 'utvärderad', 'evaluated', true);

INSERT INTO sqm.deadline_rule (rule, kind, start_event, stop_event, applies, length, unit, legal, basis, basis_valid,
                               warning, label_sv, label_en, builtin) VALUES
    ('measure_done', 'measure', 'due', 'done', NULL, 1, 'calendar_days', false,
     'beslut om åtgärd', '(,)', '7 days', 'Åtgärden genomförd', 'Measure done', true),
    ('measure_followed_up', 'measure', 'follow_up', 'evaluated', NULL, 1, 'calendar_days', false,
     'beslut om åtgärd', '(,)', '7 days', 'Åtgärden uppföljd', 'Measure followed up', true);

-- Open items are found through partial indexes on the stop columns.
CREATE INDEX measure_not_done_idx ON sqm.measure (org_id) WHERE done_at IS NULL;
CREATE INDEX measure_not_evaluated_idx ON sqm.measure (org_id) WHERE evaluated_at IS NULL;

-- ---------------------------------------------------------------------------
-- Privileges of the group roles (sqm.grant_privilege).

SELECT sqm.grant_privilege('measure', 'SELECT ON sqm.measure', '{reporter,handlers}');
-- what deadline obligations read of measures (no title, no responsible person)
SELECT sqm.grant_privilege('measure', 'SELECT (org_id, id, state, unit_id, source_kind, source_id, due_on, follow_up_on, done_at, evaluated_at) ON sqm.measure',
                           '{auditor,report_reader}');
