--
-- The demo organisation reproduces every lex Sarah figure of the published
-- quality reports (../shared/reference/alingsas-published-figures.md), from
-- event-level reports, investigations and IVO notifications replayed through
-- the API (loaded by demo_deviations, which runs first).
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
  FROM sqm.stat_lex_sarah_totals WHERE org_id = :org ORDER BY period;

-- Investigations per unit 2025 (2024): one investigation covered reports from
-- two units in 2024, so the unit rows sum to 21 while the total is 20.
SELECT unit, investigations_shown AS "2025", previous_shown AS "(2024)", note
  FROM sqm.lex_sarah_per_unit(:org, '2025');

-- That investigation: two reports, two units, one event.
SELECT count(*) AS reports, string_agg(sqm.unit_name(:org, u, '2024-06-01'), ', ' ORDER BY 1) AS units
  FROM sqm.stat_lex_sarah_base i CROSS JOIN LATERAL unnest(i.unit_ids) u
 WHERE i.org_id = :org AND cardinality(i.unit_ids) > 1 AND sqm.contains('2024', i.completed_on)
 GROUP BY i.investigation_id, i.completed_on;

-- Outcomes: 2024 all but one impropriety or a risk of it; 2023 four were no
-- impropriety (ordinary deviations).
SELECT label, investigations, notified_to_ivo FROM sqm.lex_sarah_outcomes(:org, '2024');
SELECT label, investigations FROM sqm.lex_sarah_outcomes(:org, '2023') WHERE investigations > 0;

-- IVO closed every case it finished without further action, some after asking
-- for supplementary information.
SELECT label, notifications FROM sqm.ivo_answers(:org, '2024') WHERE notifications > 0;
SELECT label, notifications FROM sqm.ivo_answers(:org, '2025') WHERE notifications > 0;

-- Themes of the deficiencies, 2025; deviations investigated under lex Sarah.
SELECT label, investigations FROM sqm.lex_sarah_themes(:org, '2025');
SELECT period, escalated_to_lex_sarah FROM sqm.stat_deviation_totals
 WHERE org_id = :org AND regime_group = 'SoL/LSS' AND sqm.first_day(period) >= '2024-01-01' ORDER BY period;

-- The legal basis follows the event date: the old act until 2025-06-30.
SELECT r.legal_basis, min((r.happened_at AT TIME ZONE 'Europe/Stockholm')::date) AS first_event,
       max((r.happened_at AT TIME ZONE 'Europe/Stockholm')::date) AS last_event, count(*)
  FROM sqm.lex_sarah_report r WHERE r.org_id = :org GROUP BY 1 ORDER BY 2;

-- The routing guarantee: a report not yet assigned to an investigation.
SELECT reported_at, waited, overdue FROM sqm.lex_sarah_unassigned WHERE org_id = :org;

SELECT ok AS chain_ok FROM sqm.verify_audit(:org);
RESET sqm.frozen_now;
