--
-- The demo organisation reproduces every deviation figure of the published
-- quality reports for 2022–2025 (../shared/reference/alingsas-published-figures.md),
-- from event-level rows replayed through the API.
--
\set ECHO none
\set QUIET 1
\i demo/load.sql
\unset QUIET
\set ECHO all
\pset null '–'
SELECT org_id AS org FROM sqm.organisation WHERE name = 'Socialförvaltningen, Alingsås kommun' \gset
-- "today" for mapping to today's units: after the 2025 report
SET sqm.frozen_now = '2026-02-15 12:00+01';
SET DateStyle = 'ISO, YMD';

-- Totals per year, SoL/LSS (37, 40, 93, 121), and how many went on to lex Sarah.
SELECT period, reports, escalated_to_lex_sarah
  FROM sqm.stat_deviation_totals WHERE org_id = :org AND regime_group = 'SoL/LSS' ORDER BY period;

-- Reports per unit, 2025 (2024), under today's units: the 2025 report's table.
SELECT unit, reports_shown AS "2025", previous_shown AS "(2024)"
  FROM sqm.deviations_per_unit(:org, '2025', 'today');

-- The same year as the organisation was: the 2024 report counted one report
-- under Avdelning Stöd och arbete and none under Arbetsmarknad.
SELECT unit, reports_shown AS "2024", previous_shown AS "(2023)"
  FROM sqm.deviations_per_unit(:org, '2024', 'as_it_was')
 WHERE unit IN ('Avdelning Stöd och arbete', 'Arbetsmarknad', 'Familjestöd', 'Totalt');

-- Types (a report with several types counts under each).
SELECT label, reports FROM sqm.deviations_per_type(:org, '2025');
SELECT label, reports FROM sqm.deviations_per_type(:org, '2024');

-- Status of 2024's reports at the follow-up at the end of January 2025.
SELECT label, reports FROM sqm.deviation_status_at(:org, '2024', '2025-01-31');

-- The two reports open longest at the follow-up.
SELECT unit, reported_on, escalated, status FROM sqm.deviations_open_longest(:org, '2025-01-31', 2);

-- Their follow-up was moved to spring 2025 (sqm.reschedule_measure): only
-- with a reason, and the audit trail keeps each change of a measure's dates.
SELECT b.reported_on, count(*) AS measures, e.before, e.after, e.reason
  FROM sqm.deviations_open_longest(:org, '2025-01-31', 2) b
  JOIN sqm.measure m ON m.org_id = :org AND m.source_kind = 'deviation' AND m.source_id = b.deviation_id
  JOIN sqm.audit_trail e ON e.org_id = :org AND e.object_kind = 'measure' AND e.object_id = m.id
                        AND e.change = 'edit' AND e.after ? 'follow_up_on'
 GROUP BY b.reported_on, e.before, e.after, e.reason ORDER BY b.reported_on;

-- HSL deviations (Boende) and collaboration deviations, kept apart.
SELECT period, reports FROM sqm.stat_deviation_totals
 WHERE org_id = :org AND regime_group = 'HSL' AND sqm.first_day(period) >= '2024-01-01' ORDER BY period;
SELECT label, reports FROM sqm.deviations_per_type(:org, '2024', 'HSL');
SELECT period, reports FROM sqm.stat_deviation_totals
 WHERE org_id = :org AND regime_group = 'collaboration' ORDER BY period;
SELECT label, reports FROM sqm.deviations_per_type(:org, '2024', 'collaboration');
SELECT collab_direction, count(*) FROM sqm.deviation
 WHERE org_id = :org AND regime = 'collaboration' GROUP BY 1 ORDER BY 1;

-- The same rows in English, and per quarter of 2025.
SELECT unit, reports_shown FROM sqm.deviations_per_unit(:org, '2025', 'today', 'SoL/LSS', 'en') WHERE unit_id IS NULL;
SELECT q, (SELECT count(*) FROM sqm.stat_deviation_base b
            WHERE b.org_id = :org AND b.regime_group = 'SoL/LSS' AND sqm.contains(q, b.reported_on)) AS reports
  FROM unnest('{2025Q1,2025Q2,2025Q3,2025Q4}'::sqm.period[]) q;

-- Every event replayed through the API is in the audit trail, and it verifies.
SELECT count(*) > 2000 AS many_events, (SELECT ok FROM sqm.verify_audit(:org)) AS chain_ok
  FROM sqm.audit_event WHERE org_id = :org;
RESET sqm.frozen_now;
