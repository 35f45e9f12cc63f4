--
-- The demo organisation reproduces every deviation figure of the published
-- quality reports for 2022–2025 (../shared/reference/alingsas-published-figures.md),
-- from event-level rows replayed through the API.  Every table below is read
-- from the statistics views, as a BI tool reads them (doc/statistics.md).
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
  FROM sqm.stat_deviation_summary
 WHERE org_id = :org AND regime_group = 'SoL/LSS' AND period_kind = 'year' AND last_day <= '2025-12-31';

-- Reports per unit, 2025 (2024), under today's units: the 2025 report's table
-- ("–": the unit did not exist), and its total row from the total view.
SELECT unit_name, cases AS "2025", previous_cases AS "(2024)"
  FROM sqm.stat_deviation_per_unit
 WHERE org_id = :org AND period = '2025' AND regime_group = 'SoL/LSS' AND attribution = 'today'
UNION ALL
SELECT 'Totalt', cases, previous_cases
  FROM sqm.stat_deviation_per_unit_total
 WHERE org_id = :org AND period = '2025' AND regime_group = 'SoL/LSS' AND attribution = 'today';

-- The same units told apart: two departments have been called Avdelning Stöd
-- och arbete; a unit that did not exist has NULL and unit_existed false.
SELECT unit_label, unit_kind, parent_name, unit_valid_from, unit_valid_until, unit_existed, unit_existed_previous
  FROM sqm.stat_deviation_per_unit
 WHERE org_id = :org AND period = '2025' AND regime_group = 'SoL/LSS' AND attribution = 'today'
   AND (NOT unit_existed OR NOT unit_existed_previous OR unit_label <> unit_name);

-- The same year as the organisation was: the 2024 report counted one report
-- under the old Avdelning Stöd och arbete and none under Arbetsmarknad.
SELECT unit_label, cases AS "2024", previous_cases AS "(2023)"
  FROM sqm.stat_deviation_per_unit
 WHERE org_id = :org AND period = '2024' AND regime_group = 'SoL/LSS' AND attribution = 'as_it_was'
   AND unit_name IN ('Avdelning Stöd och arbete', 'Arbetsmarknad', 'Familjestöd');

-- Types (a report with several types counts under each): the rows sum to
-- the total's cases + counted_in_several_rows.
SELECT period, label, cases
  FROM sqm.stat_deviation_per_type
 WHERE org_id = :org AND period IN ('2024', '2025') AND regime_group = 'SoL/LSS' AND cases > 0
 ORDER BY period DESC, cases DESC, label;
SELECT t.period, t.cases, t.counted_in_several_rows, t.cases_in_several_rows,
       (SELECT sum(r.cases) FROM sqm.stat_deviation_per_type r
         WHERE r.org_id = t.org_id AND r.period = t.period AND r.regime_group = t.regime_group) AS sum_of_rows
  FROM sqm.stat_deviation_per_type_total t
 WHERE t.org_id = :org AND t.period IN ('2024', '2025') AND t.regime_group = 'SoL/LSS';

-- Types per department, 2025 (under today's organisation).
SELECT department_name, label, sum(cases) AS cases
  FROM sqm.stat_deviation_per_type_per_unit
 WHERE org_id = :org AND period = '2025' AND regime_group = 'SoL/LSS' AND attribution = 'today'
 GROUP BY department_name, label
 ORDER BY department_name COLLATE sqm.swedish NULLS FIRST, sum(cases) DESC, label
 LIMIT 8;

-- Status of 2024's reports at the follow-up at the end of January 2025.
SELECT status_on, label, cases
  FROM sqm.stat_deviation_status
 WHERE org_id = :org AND period = '2024' AND regime_group = 'SoL/LSS';

-- The two reports open longest at the follow-up.
SELECT rank, unit_name, reported_on, days_open, escalated, status
  FROM sqm.stat_deviation_open_longest
 WHERE org_id = :org AND period = '2024' AND regime_group = 'SoL/LSS' AND rank <= 2;

-- Their follow-up was moved to spring 2025 (sqm.reschedule_measure): only
-- with a reason, and the audit trail keeps each change of a measure's dates.
SELECT b.reported_on, count(*) AS measures, e.before, e.after, e.reason
  FROM sqm.stat_deviation_open_longest b
  JOIN sqm.measure m ON m.org_id = :org AND m.source_kind = 'deviation' AND m.source_id = b.deviation_id
  JOIN sqm.audit_trail e ON e.org_id = :org AND e.object_kind = 'measure' AND e.object_id = m.id
                        AND e.change = 'edit' AND e.after ? 'follow_up_on'
 WHERE b.org_id = :org AND b.period = '2024' AND b.regime_group = 'SoL/LSS' AND b.rank <= 2
 GROUP BY b.reported_on, e.before, e.after, e.reason ORDER BY b.reported_on;

-- HSL deviations (Boende) and collaboration deviations, kept apart.
SELECT period, regime_group, reports
  FROM sqm.stat_deviation_summary
 WHERE org_id = :org AND regime_group IN ('HSL', 'collaboration') AND period IN ('2024', '2025')
 ORDER BY regime_group, period;
SELECT regime_group, label, cases
  FROM sqm.stat_deviation_per_type
 WHERE org_id = :org AND period = '2024' AND regime_group IN ('HSL', 'collaboration') AND cases > 0;
SELECT period, label, cases
  FROM sqm.stat_deviation_collaboration
 WHERE org_id = :org AND period IN ('2024', '2025');

-- The same rows in English (a function for what a view cannot take), and per
-- quarter of 2025 from the view, filtered by dates.
SELECT unit_name, unit_kind_label, regime_group_label, attribution_label, cases
  FROM sqm.deviations_per_unit(:org, '2025', 'today', 'SoL/LSS', 'en')
 WHERE unit_kind <> 'unit';
SELECT period, cases
  FROM sqm.stat_deviation_per_unit_total
 WHERE org_id = :org AND period_kind = 'quarter' AND first_day >= '2025-01-01' AND last_day <= '2025-12-31'
   AND regime_group = 'SoL/LSS' AND attribution = 'today';

-- The function and the view agree row for row.
SELECT count(*) AS rows_differing
  FROM ((SELECT * FROM sqm.stat_deviation_per_unit
          WHERE org_id = :org AND period = '2025' AND regime_group = 'SoL/LSS' AND attribution = 'as_it_was'
         EXCEPT ALL SELECT * FROM sqm.deviations_per_unit(:org, '2025', 'as_it_was'))
        UNION ALL
        (SELECT * FROM sqm.deviations_per_unit(:org, '2025', 'as_it_was')
         EXCEPT ALL SELECT * FROM sqm.stat_deviation_per_unit
          WHERE org_id = :org AND period = '2025' AND regime_group = 'SoL/LSS' AND attribution = 'as_it_was')) d;

-- Every event replayed through the API is in the audit trail, and it verifies.
SELECT count(*) > 2000 AS many_events, (SELECT ok FROM sqm.verify_audit(:org)) AS chain_ok
  FROM sqm.audit_event WHERE org_id = :org;
RESET sqm.frozen_now;
