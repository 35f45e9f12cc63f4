-- Event-level deviations of the demo organisation, 2022–2025, replayed through
-- sqm's API in the order they happened (sqm.now() frozen at each event), so
-- that the lifecycle engine checks every move and the audit trail records it.
-- The events are in demo/deviations.csv (made by demo/make_deviations.py; its
-- --check compares them with the published figures).  Run from the top of the
-- repository, after demo/alingsas.sql.
\set ON_ERROR_STOP 1

SELECT org_id AS org FROM sqm.organisation WHERE name = 'Socialförvaltningen, Alingsås kommun' \gset

-- The organisation's taxonomy.  Annat was dropped, Insats ej utförd/fel utförd
-- and Bemötande added, for 2025; old reports keep their old types.
SELECT sqm.add_deviation_type(:org, t.code, t.sv, t.en, t.valid_from::date, t.valid_until::date, t.regime)
  FROM (VALUES
    ('info',           'Brister i informationsöverföring', 'Deficient information transfer',     '2022-01-01', NULL,         'SoL'),
    ('rattssakerhet',  'Brister i rättssäkerhet',          'Deficient legal certainty',          '2022-01-01', NULL,         'SoL'),
    ('dokumentation',  'Dokumentationsbrister',            'Documentation deficiencies',         '2022-01-01', NULL,         'SoL'),
    ('fysisk_miljo',   'Brister i fysisk miljö/teknik',    'Physical environment/equipment',     '2022-01-01', NULL,         'SoL'),
    ('omvardnad',      'Omvårdnadshändelse',               'Care event',                         '2022-01-01', NULL,         'SoL'),
    ('annat',          'Annat',                            'Other',                              '2022-01-01', '2024-12-31', 'SoL'),
    ('insats',         'Insats ej utförd/fel utförd',      'Service not or wrongly performed',   '2025-01-01', NULL,         'SoL'),
    ('bemotande',      'Bemötande',                        'Treatment/attitude',                 '2025-01-01', NULL,         'SoL'),
    ('lakemedel',      'Läkemedel (missad, sen, saknad)',  'Medication (missed, late, missing)', '2022-01-01', NULL,         'HSL'),
    ('fall_utan_skada','Fall utan skada',                  'Fall without injury',                '2022-01-01', NULL,         'HSL'),
    ('fall_med_skada', 'Fall med skada',                   'Fall with injury',                   '2022-01-01', NULL,         'HSL'),
    ('sip',            'Samordnad individuell plan (SIP)', 'Coordinated individual plan (SIP)',  '2022-01-01', NULL,         'collaboration'),
    ('halsokontroll',  'Hälsokontroll ej genomförd',       'Health check not carried out',       '2022-01-01', NULL,         'collaboration'))
  AS t(code, sv, en, valid_from, valid_until, regime);

CREATE TEMP TABLE demo_deviation (
    ref text, regime text, unit text, happened_at timestamptz, reported_at timestamptz, types text,
    severity text, triaged_at timestamptz, investigated_at timestamptz, escalated_at timestamptz,
    measures integer, measures_done_at timestamptz, no_measure_needed boolean, closed_at timestamptz,
    collab_direction text, collab_counterpart text, collab_reply_due date, summary text);
\copy demo_deviation FROM 'demo/deviations.csv' WITH (FORMAT csv, HEADER true)

-- Every step of every report, at the time it happened.
CREATE TEMP TABLE demo_step AS
SELECT ref, n, action, greatest(at, max(at) OVER (PARTITION BY ref ORDER BY n)) + n * interval '1 second' AS at
  FROM (SELECT ref, 1 AS n, 'report' AS action, reported_at AS at FROM demo_deviation
        UNION ALL SELECT ref, 2, 'triage', triaged_at FROM demo_deviation WHERE triaged_at IS NOT NULL
        UNION ALL SELECT ref, 3, CASE WHEN escalated_at IS NOT NULL THEN 'escalate' ELSE 'investigate' END,
                         coalesce(escalated_at, triaged_at) FROM demo_deviation WHERE triaged_at IS NOT NULL
        UNION ALL SELECT ref, 4, 'summary', investigated_at FROM demo_deviation WHERE investigated_at IS NOT NULL
        UNION ALL SELECT ref, 5, 'plan_measures', investigated_at FROM demo_deviation
                   WHERE investigated_at IS NOT NULL AND measures > 0
        UNION ALL SELECT ref, 6, 'measures_done', measures_done_at FROM demo_deviation WHERE measures_done_at IS NOT NULL
        UNION ALL SELECT ref, 7, 'close', closed_at FROM demo_deviation WHERE closed_at IS NOT NULL) s;

DO $$
DECLARE
    org   bigint := (SELECT org_id FROM sqm.organisation WHERE name = 'Socialförvaltningen, Alingsås kommun');
    s     record;
    d     demo_deviation;
    dev   bigint;
    cur   text;
    m     record;
    i     integer;
BEGIN
    CREATE TEMP TABLE demo_id (ref text PRIMARY KEY, id bigint NOT NULL);
    FOR s IN SELECT * FROM demo_step ORDER BY at, ref, n LOOP
        PERFORM set_config('sqm.frozen_now', s.at::text, true);
        SELECT * INTO d FROM demo_deviation WHERE ref = s.ref;
        SELECT id INTO dev FROM demo_id WHERE ref = s.ref;
        SELECT state INTO cur FROM sqm.deviation WHERE org_id = org AND id = dev;
        PERFORM set_config('sqm.actor', CASE s.action WHEN 'report' THEN 'medarbetare' WHEN 'escalate' THEN 'kvalitetssamordnare'
                                                      ELSE 'enhetschef' END, true);
        CASE s.action
        WHEN 'report' THEN
            INSERT INTO demo_id VALUES (d.ref, sqm.report_deviation(
                org,
                (SELECT v.unit_id FROM sqm.unit_version v WHERE v.org_id = org AND v.name = d.unit
                    AND v.valid @> (d.reported_at AT TIME ZONE 'Europe/Stockholm')::date),
                d.regime, d.happened_at, d.summary, string_to_array(d.types, ';'), d.reported_at,
                d.collab_direction, d.collab_counterpart, d.collab_reply_due));
        WHEN 'triage' THEN
            PERFORM sqm.triage_deviation(org, dev, cur, d.severity);
        WHEN 'escalate' THEN
            PERFORM sqm.escalate_deviation(org, dev, cur, 'lex Sarah ' || d.ref, 'Kan vara ett missförhållande');
        WHEN 'investigate' THEN
            PERFORM sqm.move_object('deviation', org, dev, cur, 'investigating');
        WHEN 'summary' THEN
            PERFORM sqm.record_deviation_summary(org, dev, cur, 'Utredning: ' || d.summary);
        WHEN 'plan_measures' THEN
            FOR i IN 1 .. d.measures LOOP
                PERFORM sqm.move_object('measure', org,
                    sqm.plan_measure(org, 'deviation', dev, format('Åtgärd %s av %s', i, d.measures), 'enhetschef',
                                     (s.at AT TIME ZONE 'Europe/Stockholm')::date + 30,
                                     (s.at AT TIME ZONE 'Europe/Stockholm')::date + 60),
                    'planned', 'in_progress');
            END LOOP;
            PERFORM sqm.move_object('deviation', org, dev, cur, 'measures_decided');
        WHEN 'measures_done' THEN
            FOR m IN SELECT id FROM sqm.measure WHERE org_id = org AND source_kind = 'deviation' AND source_id = dev LOOP
                PERFORM sqm.complete_measure(org, m.id, 'in_progress');
                PERFORM sqm.evaluate_measure(org, m.id, 'done', 'yes');
            END LOOP;
            PERFORM sqm.move_object('deviation', org, dev, 'measures_decided', 'measures_done');
            PERFORM sqm.move_object('deviation', org, dev, 'measures_done', 'followed_up');
        WHEN 'close' THEN
            PERFORM sqm.close_deviation(org, dev, cur,
                CASE WHEN d.no_measure_needed THEN 'Felet rättades direkt; ingen ytterligare åtgärd behövs.' END);
        END CASE;
    END LOOP;
END
$$;
