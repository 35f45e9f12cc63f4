-- Complaints and feedback, personal data incidents and lex Maja reports of the
-- demo organisation, 2022–2025 (demo/complaints.csv, incidents.csv,
-- lex_maja.csv and their taxonomies, made by demo/make_registered_matters.py;
-- its --check compares them with the published figures): the taxonomies, the
-- follow-up days of the yearly reports, the events, and their steps in
-- demo_step.  demo/replay.sql replays every step through sqm's API in the
-- order they happened, in one timeline with the deviations and lex Sarah
-- cases they are linked to.  Run after demo/lex_sarah.sql.
\set ON_ERROR_STOP 1

SELECT org_id AS org FROM sqm.organisation WHERE name = 'Socialförvaltningen, Alingsås kommun' \gset

-- The organisation's taxonomies.
CREATE TEMP TABLE demo_taxonomy (code text, label_sv text, label_en text, valid_from date, valid_until date);
\copy demo_taxonomy FROM 'demo/complaint_subjects.csv' WITH (FORMAT csv, HEADER true)
SELECT count(sqm.add_complaint_subject(:org, code, label_sv, label_en, valid_from, valid_until)) AS complaint_subjects
  FROM demo_taxonomy;
TRUNCATE demo_taxonomy;
\copy demo_taxonomy FROM 'demo/incident_types.csv' WITH (FORMAT csv, HEADER true)
SELECT count(sqm.add_data_incident_type(:org, code, label_sv, label_en, valid_from, valid_until)) AS incident_types
  FROM demo_taxonomy;

-- "Answered k of n" is counted on the day the report is compiled: the last
-- working day of January after the year (demo/README.md).
SELECT count(sqm.set_complaint_follow_up(:org, y::text::sqm.period, d)) AS follow_up_days
  FROM (VALUES (2022, date '2023-01-31'), (2023, '2024-01-31'), (2024, '2025-01-31'), (2025, '2026-01-30')) AS f(y, d);

CREATE TEMP TABLE demo_complaint (
    ref text, registry_number text, kind text, sender_type text, sender_name text, channel text, unit text, subjects text,
    received_at timestamptz, registered_at timestamptz, handling_started_at timestamptz, summary text,
    answered_at timestamptz, answered_by text, answer_text text, closed_at timestamptz, deviation_ref text,
    lex_sarah_ref text);
\copy demo_complaint FROM 'demo/complaints.csv' WITH (FORMAT csv, HEADER true)
CREATE TEMP TABLE demo_incident (
    ref text, registry_number text, unit text, type text, cause text, happened_at timestamptz, aware_at timestamptz,
    registered_at timestamptz, description text, data_categories text, data_subject_categories text,
    data_subjects_count integer, recovered_at timestamptz, assessed_at timestamptz, risk text, risk_justification text,
    assessed_by text, imy_notified_at timestamptz, imy_reference text, imy_late_reason text,
    people_informed_at timestamptz, informing_exception text, action_plan_at timestamptz, action_plan_responsible text,
    action_plan text, closed_at timestamptz, deviation_ref text);
\copy demo_incident FROM 'demo/incidents.csv' WITH (FORMAT csv, HEADER true)
CREATE TEMP TABLE demo_lex_maja (
    ref text, registry_number text, unit text, observed_at timestamptz, registered_at timestamptz, recipient text,
    recipient_name text, sent_at timestamptz, closed_at timestamptz, summary text, reporter_title text);
\copy demo_lex_maja FROM 'demo/lex_maja.csv' WITH (FORMAT csv, HEADER true)

-- Every step, at the time it happened (later steps of one matter a second
-- apart).  A complaint that revealed a deviation is linked to it once the
-- deviation is reported; the lex Sarah report a complaint led to is made
-- from the complaint (its step ls_report, demo/lex_sarah.sql); an incident a
-- deviation revealed is reported by forwarding the deviation.
INSERT INTO demo_step (ref, n, action, at)
SELECT ref, n, action, greatest(at, max(at) OVER (PARTITION BY ref ORDER BY n)) + (n + 20) * interval '1 second'
  FROM (SELECT ref, 1 AS n, 'sk_register' AS action, registered_at AS at FROM demo_complaint
        UNION ALL SELECT ref, 2, 'sk_handle', handling_started_at FROM demo_complaint WHERE handling_started_at IS NOT NULL
        UNION ALL SELECT ref, 3, 'sk_answer', answered_at FROM demo_complaint WHERE answered_at IS NOT NULL
        UNION ALL SELECT ref, 4, 'sk_close', closed_at FROM demo_complaint WHERE closed_at IS NOT NULL) c
UNION ALL
SELECT c.ref, 5, 'sk_link', d.reported_at + interval '30 seconds'
  FROM demo_complaint c JOIN demo_deviation d ON d.ref = c.deviation_ref
UNION ALL
SELECT ref, n, action, greatest(at, max(at) OVER (PARTITION BY ref ORDER BY n)) + (n + 20) * interval '1 second'
  FROM (SELECT ref, 1 AS n, 'pui_report' AS action, registered_at AS at FROM demo_incident
        UNION ALL SELECT ref, 2, 'pui_recover', recovered_at FROM demo_incident WHERE recovered_at > registered_at
        UNION ALL SELECT ref, 3, 'pui_assess', assessed_at FROM demo_incident WHERE assessed_at IS NOT NULL
        UNION ALL SELECT ref, 4, 'pui_notify', imy_notified_at FROM demo_incident WHERE imy_notified_at IS NOT NULL
        UNION ALL SELECT ref, 5, 'pui_inform', people_informed_at FROM demo_incident WHERE people_informed_at IS NOT NULL
        UNION ALL SELECT ref, 6, 'pui_plan', action_plan_at FROM demo_incident WHERE action_plan_at IS NOT NULL
        UNION ALL SELECT ref, 7, 'pui_close', closed_at FROM demo_incident WHERE closed_at IS NOT NULL) i
UNION ALL
SELECT ref, n, action, greatest(at, max(at) OVER (PARTITION BY ref ORDER BY n)) + (n + 20) * interval '1 second'
  FROM (SELECT ref, 1 AS n, 'lm_report' AS action, registered_at AS at FROM demo_lex_maja
        UNION ALL SELECT ref, 2, 'lm_send', sent_at FROM demo_lex_maja WHERE sent_at IS NOT NULL
        UNION ALL SELECT ref, 3, 'lm_close', closed_at FROM demo_lex_maja WHERE closed_at IS NOT NULL) m;
