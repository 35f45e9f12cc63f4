-- Event-level deviations of the demo organisation, 2022–2025: the taxonomy,
-- the events of demo/deviations.csv (made by demo/make_deviations.py; its
-- --check compares them with the published figures) and their steps in
-- demo_step.  demo/replay.sql replays every step through sqm's API in the order
-- they happened.  Run from the top of the repository, after demo/alingsas.sql.
\set ON_ERROR_STOP 1

SELECT org_id AS org FROM sqm.organisation WHERE name = 'Socialförvaltningen, Alingsås kommun' \gset

-- The organisation's taxonomy.  Annat was dropped, Insats ej utförd/fel utförd
-- and Bemötande added, for 2025; old reports keep their old types.
SELECT count(sqm.add_deviation_type(:org, t.code, t.sv, t.en, t.valid_from::date, t.valid_until::date, t.regime)) AS types
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

-- Every step of every report, at the time it happened (later steps of one
-- object a second apart, so that they replay in their order).
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
        -- the receiver of a collaboration deviation we sent answered within three weeks
        UNION ALL SELECT ref, 6, 'collab_reply', least(reported_at + interval '21 days', closed_at - interval '1 hour')
                    FROM demo_deviation WHERE regime = 'collaboration' AND collab_direction = 'sent'
        UNION ALL SELECT ref, 7, 'close', closed_at FROM demo_deviation WHERE closed_at IS NOT NULL) s;
