--
-- The demo organisation reproduces every lex Sarah figure of the published
-- quality reports (../shared/reference/alingsas-published-figures.md), from
-- event-level reports, investigations and IVO notifications replayed through
-- the API (loaded by demo_deviations, which runs first).  Every table is read
-- from the statistics views (doc/statistics.md).
--
\pset null '–'
SELECT org_id AS org FROM sqm.organisation WHERE name = 'Socialförvaltningen, Alingsås kommun' \gset
SET sqm.frozen_now = '2026-02-15 12:00+01';
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'Europe/Stockholm';
SET IntervalStyle = 'postgres';

-- Investigations completed per year (2023: 6, 2024: 20, 2025: 33) and notified
-- to IVO (1, 10, 9); reports received and investigations started are not the
-- same figures.
SELECT period, investigations_completed, notified_to_ivo, reports_received, investigations_started
  FROM sqm.stat_lex_sarah_summary
 WHERE org_id = :org AND period_kind = 'year' AND last_day <= '2025-12-31';

-- Investigations per unit 2025 (2024), the published table: the units with
-- investigations in either year (the view also has a 0 row for every other
-- unit that existed).  Vuxenstöd existed in 2024 and had none: 0, where the
-- 2025 report printed "–" because its 2024 table had no row for it; "–" here
-- means only that the unit did not exist (Vägledning och integration).
SELECT unit_name, cases AS "2025", previous_cases AS "(2024)"
  FROM sqm.stat_lex_sarah_per_unit
 WHERE org_id = :org AND period = '2025' AND attribution = 'today' AND (cases > 0 OR previous_cases > 0);

-- The total counts each investigation once: one investigation of 2024
-- covered reports from two units, so the 2024 unit rows sum to 21 against 20.
SELECT cases, counted_in_several_rows, previous_cases, previous_counted_in_several_rows,
       (SELECT sum(previous_cases) FROM sqm.stat_lex_sarah_per_unit r
         WHERE r.org_id = t.org_id AND r.period = t.period AND r.attribution = t.attribution) AS previous_sum_of_rows
  FROM sqm.stat_lex_sarah_per_unit_total t
 WHERE org_id = :org AND period = '2025' AND attribution = 'today';
SELECT unit_name, cases FROM sqm.stat_lex_sarah_per_unit
 WHERE org_id = :org AND period = '2024' AND attribution = 'as_it_was' AND cases > 0
   AND unit_name IN ('Barn och unga 1', 'Stöd och försörjning');

-- Outcomes: 2024 all but one impropriety or a risk of it; 2023 four were no
-- impropriety (ordinary deviations).
SELECT label, cases, notified_to_ivo FROM sqm.stat_lex_sarah_outcome WHERE org_id = :org AND period = '2024';
SELECT label, cases FROM sqm.stat_lex_sarah_outcome WHERE org_id = :org AND period = '2023' AND cases > 0;

-- Outcomes per unit, 2024, as the organisation was.
SELECT unit_name, label, cases FROM sqm.stat_lex_sarah_outcome_per_unit
 WHERE org_id = :org AND period = '2024' AND attribution = 'as_it_was';
SELECT cases, counted_in_several_rows, cases_in_several_rows FROM sqm.stat_lex_sarah_outcome_per_unit_total
 WHERE org_id = :org AND period = '2024' AND attribution = 'as_it_was';

-- IVO closed every case it finished without further action, some after asking
-- for supplementary information.
SELECT period, label, cases FROM sqm.stat_ivo_answer
 WHERE org_id = :org AND period IN ('2024', '2025') AND cases > 0;

-- Themes of the deficiencies, 2025 (an investigation with several themes
-- counts under each), and their total.
SELECT label, cases FROM sqm.stat_lex_sarah_theme WHERE org_id = :org AND period = '2025' AND cases > 0;
SELECT cases, counted_in_several_rows, cases_in_several_rows, cases_in_no_row
  FROM sqm.stat_lex_sarah_theme_total WHERE org_id = :org AND period = '2025';

-- Deviations investigated under lex Sarah.
SELECT period, escalated_to_lex_sarah FROM sqm.stat_deviation_summary
 WHERE org_id = :org AND regime_group = 'SoL/LSS' AND period IN ('2024', '2025');

-- In English, through a function.
SELECT label, cases FROM sqm.lex_sarah_outcomes(:org, '2023', 'en') WHERE cases > 0;

-- The legal basis follows the event date: the old act until 2025-06-30.
SELECT r.legal_basis, min((r.happened_at AT TIME ZONE 'Europe/Stockholm')::date) AS first_event,
       max((r.happened_at AT TIME ZONE 'Europe/Stockholm')::date) AS last_event, count(*)
  FROM sqm.lex_sarah_report r WHERE r.org_id = :org GROUP BY 1 ORDER BY 2;

-- The routing guarantee: a report not yet assigned to an investigation.
SELECT reported_at, waited, overdue FROM sqm.lex_sarah_unassigned WHERE org_id = :org;

SELECT ok AS chain_ok FROM sqm.verify_audit(:org);
RESET sqm.frozen_now;
