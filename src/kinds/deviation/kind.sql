-- Deviations (avvikelser, domain.md §3.1): something that happened inside the
-- organisation where it did not follow a decision, the law, a regulation or
-- its own routines; reported by any staff member, in the unit where it
-- happened.  Its lifecycle is rows of the lifecycle engine; the guards that
-- need logic are C (deviation.c); nobody but the API functions (api.sql)
-- writes the tables.

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

CREATE TABLE sqm.deviation (
    org_id               bigint NOT NULL REFERENCES sqm.organisation,
    id                   bigint NOT NULL DEFAULT pg_catalog.nextval('sqm.case_id_seq'),
    state                text NOT NULL,
    unit_id              bigint NOT NULL,
    regime               text NOT NULL CHECK (regime IN ('SoL', 'LSS', 'HSL', 'collaboration')),
    happened_at          timestamptz NOT NULL,
    reported_at          timestamptz NOT NULL,
    reported_by          text NOT NULL,
    description          text NOT NULL CHECK (pg_catalog.btrim(description) OPERATOR(pg_catalog.<>) ''),
    types                text[] NOT NULL,
    collab_direction     text CHECK (collab_direction IN ('received', 'sent')),
    collab_counterpart   text,
    collab_reply_due     date,
    collab_replied_at    timestamptz,
    severity             text CHECK (severity IN ('low', 'moderate', 'high')),
    triaged_at           timestamptz,
    summary              text,
    investigated_at      timestamptz,
    no_measure_reason    text,
    escalated_at         timestamptz,
    lex_sarah_ref        text,
    withdrawn_reason     text,
    reclassified_to      text,
    closed_at            timestamptz,
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, unit_id) REFERENCES sqm.unit,
    CHECK (happened_at OPERATOR(pg_catalog.<=) reported_at),
    CHECK ((regime OPERATOR(pg_catalog.=) 'collaboration')
           OPERATOR(pg_catalog.=) (collab_direction IS NOT NULL AND collab_counterpart IS NOT NULL AND collab_reply_due IS NOT NULL)),
    CHECK (pg_catalog.cardinality(types) OPERATOR(pg_catalog.>) 0),
    CHECK (collab_replied_at IS NULL OR (collab_direction OPERATOR(pg_catalog.=) 'sent'
                                         AND collab_replied_at OPERATOR(pg_catalog.>=) reported_at))
);
CREATE INDEX deviation_reported_idx ON sqm.deviation (org_id, reported_at);
CREATE INDEX deviation_open_idx ON sqm.deviation (org_id, reported_at) WHERE closed_at IS NULL;
COMMENT ON TABLE sqm.deviation IS 'Deviation reports (avvikelser): a governed table, written only through the sqm.*deviation* functions';
COMMENT ON COLUMN sqm.deviation.regime IS 'SoL or LSS (social services), HSL (health care in own units) or collaboration (with another organisation)';
COMMENT ON COLUMN sqm.deviation.reported_at IS 'When it was reported; statistics count by this date in the organisation''s time zone';
COMMENT ON COLUMN sqm.deviation.reported_by IS 'The actor who reported it';
COMMENT ON COLUMN sqm.deviation.types IS 'Codes from sqm.deviation_type valid on the report date; one report can carry several';
COMMENT ON COLUMN sqm.deviation.collab_reply_due IS 'Collaboration: when the receiver''s reply is due (e.g. 60 days by regional agreement)';
COMMENT ON COLUMN sqm.deviation.collab_replied_at IS 'Collaboration sent: when the receiver replied (stops the collaboration_reply deadline)';
COMMENT ON COLUMN sqm.deviation.severity IS 'Initial assessment of severity at triage: low, moderate, high';
COMMENT ON COLUMN sqm.deviation.summary IS 'Written investigation summary; required before measures are decided or the report closes';
COMMENT ON COLUMN sqm.deviation.no_measure_reason IS 'Explicit, justified decision that no measure is needed (correcting the error was enough)';
COMMENT ON COLUMN sqm.deviation.lex_sarah_ref IS 'The lex Sarah report or investigation it was escalated to';
COMMENT ON COLUMN sqm.deviation.reclassified_to IS 'The item it was forwarded to (e.g. hsl_deviation:123, data_incident:…)';
SELECT pg_catalog.pg_extension_config_dump('sqm.deviation', '');
REVOKE ALL ON sqm.deviation_type, sqm.deviation FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- Lifecycle, as data.

INSERT INTO sqm.lifecycle_kind (kind, governed_table, label_sv, label_en, builtin) VALUES
    ('deviation', 'sqm.deviation', 'avvikelse', 'deviation', true);

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
-- in name it in lifecycle_move.requires.
CREATE FUNCTION sqm.guard_deviation_measures_decided(sqm.deviation) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_guard_deviation_measures_decided' LANGUAGE C STRICT;
COMMENT ON FUNCTION sqm.guard_deviation_measures_decided(sqm.deviation) IS
  'Guard: measures are decided after an investigation summary, and at least one measure is linked';
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
  'Guard: closing needs an investigation summary and every linked measure finished or cancelled, or a reason why no measure is needed';
REVOKE ALL ON FUNCTION sqm.guard_deviation_measures_decided(sqm.deviation), sqm.guard_deviation_measures_done(sqm.deviation),
                       sqm.guard_deviation_followed_up(sqm.deviation), sqm.guard_deviation_closable(sqm.deviation)
    FROM PUBLIC;

INSERT INTO sqm.lifecycle_move (kind, from_state, to_state, capability, guard, requires, builtin) VALUES
    ('deviation', 'reported',         'triaged',          'triage',          NULL, '{severity,triaged_at}', true),
    ('deviation', 'reported',         'withdrawn',        'withdraw',        NULL, '{withdrawn_reason}', true),
    ('deviation', 'reported',         'reclassified',     'reclassify',      NULL, '{reclassified_to}', true),
    ('deviation', 'reported',         'escalated',        'escalate',        NULL, '{lex_sarah_ref,escalated_at}', true),
    ('deviation', 'triaged',          'investigating',    'investigate',     NULL, '{}', true),
    ('deviation', 'triaged',          'withdrawn',        'withdraw',        NULL, '{withdrawn_reason}', true),
    ('deviation', 'triaged',          'reclassified',     'reclassify',      NULL, '{reclassified_to}', true),
    ('deviation', 'triaged',          'escalated',        'escalate',        NULL, '{lex_sarah_ref,escalated_at}', true),
    ('deviation', 'investigating',    'escalated',        'escalate',        NULL, '{lex_sarah_ref,escalated_at}', true),
    ('deviation', 'investigating',    'reclassified',     'reclassify',      NULL, '{reclassified_to}', true),
    ('deviation', 'investigating',    'measures_decided', 'investigate',     'sqm.guard_deviation_measures_decided(sqm.deviation)', '{}', true),
    ('deviation', 'investigating',    'closed',           'close',           'sqm.guard_deviation_closable(sqm.deviation)', '{closed_at}', true),
    ('deviation', 'escalated',        'measures_decided', 'investigate',     'sqm.guard_deviation_measures_decided(sqm.deviation)', '{}', true),
    ('deviation', 'escalated',        'closed',           'close',           'sqm.guard_deviation_closable(sqm.deviation)', '{closed_at}', true),
    ('deviation', 'measures_decided', 'escalated',        'escalate',        NULL, '{lex_sarah_ref,escalated_at}', true),
    ('deviation', 'measures_decided', 'measures_done',    'manage_measures', 'sqm.guard_deviation_measures_done(sqm.deviation)', '{}', true),
    ('deviation', 'measures_done',    'followed_up',      'manage_measures', 'sqm.guard_deviation_followed_up(sqm.deviation)', '{}', true),
    ('deviation', 'followed_up',      'closed',           'close',           'sqm.guard_deviation_closable(sqm.deviation)', '{closed_at}', true);

-- Rules of a deviation's content, for every writer: the unit existed on the
-- report date and every type is the organisation's, valid then, of the regime.
CREATE FUNCTION sqm.deviation_rules() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    day      date;
    unit_ok  boolean;
    bad      text;
    twice    boolean;
    type_regime text := CASE NEW.regime WHEN 'LSS' THEN 'SoL' ELSE NEW.regime END;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.unit_id = OLD.unit_id AND NEW.types = OLD.types
       AND NEW.reported_at = OLD.reported_at AND NEW.regime = OLD.regime THEN
        RETURN NEW;
    END IF;
    -- one statement: this runs for every report
    SELECT r.day,
           EXISTS (SELECT FROM sqm.unit_version v
                    WHERE v.org_id = NEW.org_id AND v.unit_id = NEW.unit_id AND v.valid @> r.day),
           (SELECT string_agg(t.code, ', ') FROM unnest(NEW.types) AS t(code)
             WHERE NOT EXISTS (SELECT FROM sqm.deviation_type d
                                WHERE d.org_id = NEW.org_id AND d.code = t.code AND d.valid @> r.day
                                  AND d.regime = type_regime)),
           (SELECT count(DISTINCT t) <> cardinality(NEW.types) FROM unnest(NEW.types) t)
      INTO day, unit_ok, bad, twice
      FROM sqm.organisation o CROSS JOIN LATERAL (SELECT (NEW.reported_at AT TIME ZONE o.time_zone)::date AS day) r
     WHERE o.org_id = NEW.org_id;
    IF NOT unit_ok THEN
        RAISE EXCEPTION 'unit % of organisation % did not exist on %, the report date of deviation %',
                        NEW.unit_id, NEW.org_id, day, NEW.id
            USING ERRCODE = 'foreign_key_violation',
                  HINT = 'Report the deviation for the unit where it happened, as the organisation was then.';
    END IF;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'deviation % has types that organisation % does not use for % reports on %: %',
                        NEW.id, NEW.org_id, NEW.regime, day, bad
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = format('Valid then: %s.', (SELECT string_agg(d.code, ', ' ORDER BY d.code) FROM sqm.deviation_type d
                                                       WHERE d.org_id = NEW.org_id AND d.valid @> day
                                                         AND d.regime = type_regime)),
                  HINT = 'Choose types from the organisation''s taxonomy valid on the report date (sqm.deviation_type).';
    END IF;
    IF twice THEN
        RAISE EXCEPTION 'deviation % names a type twice', NEW.id
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION sqm.deviation_rules() IS
  'Trigger: a deviation''s unit existed on its report date and its types are the organisation''s, valid then, of its regime';

-- only when what it checks changes: moves do not pay for it
CREATE TRIGGER deviation_rules BEFORE INSERT OR UPDATE OF unit_id, types, reported_at, regime ON sqm.deviation
    FOR EACH ROW EXECUTE FUNCTION sqm.deviation_rules();
CREATE TRIGGER lifecycle BEFORE INSERT OR UPDATE OR DELETE ON sqm.deviation
    FOR EACH ROW EXECUTE FUNCTION sqm.lifecycle_enforce('deviation');
CREATE TRIGGER audit AFTER INSERT OR UPDATE ON sqm.deviation
    FOR EACH ROW EXECUTE FUNCTION sqm.audit_record('deviation');

ALTER TABLE sqm.deviation ENABLE ROW LEVEL SECURITY;
ALTER TABLE sqm.deviation_type ENABLE ROW LEVEL SECURITY;
CREATE POLICY deviation_visible ON sqm.deviation FOR SELECT
    USING (sqm.may_see(org_id, unit_id, reported_by));
CREATE POLICY deviation_type_visible ON sqm.deviation_type FOR SELECT
    USING (sqm.is_member(org_id));
COMMENT ON POLICY deviation_visible ON sqm.deviation IS
  'A member sees the deviations of the units their sqm role covers; a reporter sees their own';
COMMENT ON POLICY deviation_type_visible ON sqm.deviation_type IS 'Members of an organisation see its taxonomy';

-- ---------------------------------------------------------------------------
-- Who may do what (sqm.role_capability).

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

-- Open items are found through partial indexes on the stop columns.
CREATE INDEX deviation_untriaged_idx ON sqm.deviation (org_id) WHERE triaged_at IS NULL;
CREATE INDEX deviation_collab_unreplied_idx ON sqm.deviation (org_id)
    WHERE collab_replied_at IS NULL AND collab_direction OPERATOR(pg_catalog.=) 'sent';

-- A new report goes to the outbox.
CREATE TRIGGER announce AFTER INSERT ON sqm.deviation
    FOR EACH ROW EXECUTE FUNCTION sqm.announce('deviation');

-- ---------------------------------------------------------------------------
-- Privileges of the group roles (sqm.grant_privilege).

SELECT sqm.grant_privilege('deviation', 'SELECT ON sqm.deviation_type', '{everyone}');
SELECT sqm.grant_privilege('deviation', 'SELECT ON sqm.deviation', '{reporter,handlers}');
SELECT sqm.grant_privilege('deviation', 'SELECT (org_id, id, state, unit_id, regime, reported_at, types, severity, triaged_at,
    investigated_at, escalated_at, closed_at, collab_direction, collab_replied_at) ON sqm.deviation', '{auditor,report_reader}');
