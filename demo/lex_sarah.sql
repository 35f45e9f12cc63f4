-- Event-level lex Sarah reports, investigations and IVO notifications of the
-- demo organisation, 2022–2025 (demo/lex_sarah_*.csv, made by
-- demo/make_lex_sarah.py; its --check compares them with the published
-- figures), added to demo_step; demo/replay.sql replays them through the API
-- together with the deviations they came from.  Run after demo/deviations.sql.
\set ON_ERROR_STOP 1

SELECT org_id AS org FROM sqm.organisation WHERE name = 'Socialförvaltningen, Alingsås kommun' \gset

-- Themes of the deficiencies investigations find.
SELECT count(sqm.add_lex_sarah_theme(:org, t.code, t.sv, t.en, '2022-01-01')) AS themes
  FROM (VALUES
    ('rutiner',                'Rutiner följdes inte',            'Routines not followed'),
    ('dokumentation',          'Brister i dokumentation',         'Documentation deficiencies'),
    ('informationsoverforing', 'Brister i informationsöverföring', 'Deficient information transfer'),
    ('bemotande',              'Bemötande',                       'Treatment/attitude'),
    ('kompetens',              'Kompetens',                       'Competence'),
    ('bemanning',              'Bemanning',                       'Staffing'),
    ('rattssakerhet',          'Rättssäkerhet',                   'Legal certainty'),
    ('samverkan',              'Samverkan',                       'Collaboration')) AS t(code, sv, en);

CREATE TEMP TABLE demo_ls_report (
    ref text, regime text, unit text, happened_at timestamptz, reported_at timestamptz, received_at timestamptz,
    source text, deviation_ref text, investigation_ref text, description text, reporter_title text);
\copy demo_ls_report FROM 'demo/lex_sarah_reports.csv' WITH (FORMAT csv, HEADER true)
CREATE TEMP TABLE demo_ls_investigation (
    ref text, unit text, opened_at timestamptz, started_at timestamptz, assessed_at timestamptz, outcome text,
    themes text, completed_at timestamptz, closed_at timestamptz, early_close boolean,
    ivo_notified_at timestamptz, ivo_regnr text, ivo_answer text, ivo_answered_at timestamptz,
    ivo_supplement_at timestamptz, ivo_supplement_requested_at timestamptz);
\copy demo_ls_investigation FROM 'demo/lex_sarah_investigations.csv' WITH (FORMAT csv, HEADER true)

-- (a staff report or one from a complaint comes in as it was made; one from a
-- deviation is made when the deviation is escalated, in demo/replay.sql)
INSERT INTO demo_step (ref, n, action, at)
SELECT ref, n, action, greatest(at, max(at) OVER (PARTITION BY ref ORDER BY n)) + (n + 10) * interval '1 second'
  FROM (SELECT ref, 1 AS n, 'ls_report' AS action, reported_at AS at FROM demo_ls_report WHERE source <> 'deviation'
        UNION ALL SELECT ref, 2, 'ls_receive', received_at FROM demo_ls_report WHERE received_at IS NOT NULL) r
UNION ALL
SELECT ref, n, action, greatest(at, max(at) OVER (PARTITION BY ref ORDER BY n)) + n * interval '1 second'
  FROM (SELECT ref, 1 AS n, 'ls_open' AS action, opened_at AS at FROM demo_ls_investigation
        UNION ALL SELECT ref, 2, 'ls_protect', opened_at FROM demo_ls_investigation
        UNION ALL SELECT ref, 2, 'ls_start', started_at FROM demo_ls_investigation WHERE started_at IS NOT NULL
        UNION ALL SELECT ref, 3, 'ls_close_early', closed_at FROM demo_ls_investigation WHERE early_close
        UNION ALL SELECT ref, 3, 'ls_records', assessed_at - interval '2 hours' FROM demo_ls_investigation WHERE assessed_at IS NOT NULL
        UNION ALL SELECT ref, 4, 'ls_assess', assessed_at FROM demo_ls_investigation WHERE assessed_at IS NOT NULL
        -- notification and completion in the order they happened
        UNION ALL SELECT ref, CASE WHEN ivo_notified_at <= completed_at THEN 5 ELSE 6 END, 'ivo_notify', ivo_notified_at
                    FROM demo_ls_investigation WHERE ivo_notified_at IS NOT NULL
        UNION ALL SELECT ref, CASE WHEN ivo_notified_at <= completed_at THEN 6 ELSE 5 END, 'ls_complete', completed_at
                    FROM demo_ls_investigation WHERE completed_at IS NOT NULL
        UNION ALL SELECT ref, 7, 'ls_close', closed_at FROM demo_ls_investigation WHERE closed_at IS NOT NULL AND NOT early_close
        UNION ALL SELECT ref, 8, 'ivo_asked', ivo_supplement_requested_at FROM demo_ls_investigation WHERE ivo_supplement_requested_at IS NOT NULL
        UNION ALL SELECT ref, 9, 'ivo_supplement', ivo_supplement_at FROM demo_ls_investigation WHERE ivo_supplement_at IS NOT NULL
        UNION ALL SELECT ref, 10, 'ivo_answer', ivo_answered_at FROM demo_ls_investigation WHERE ivo_answered_at IS NOT NULL) i;
