--
-- The demo organisation reproduces every published figure of complaints and
-- feedback, personal data incidents and lex Maja
-- (../shared/reference/alingsas-published-figures.md), from event-level rows
-- replayed through the API in one timeline with the deviations and lex Sarah
-- cases (loaded by demo_deviations, which runs first).  Every table is read
-- from the statistics views (doc/statistics.md).
--
\pset null '–'
SELECT org_id AS org FROM sqm.organisation WHERE name = 'Socialförvaltningen, Alingsås kommun' \gset
SET sqm.frozen_now = '2026-02-15 12:00+01';
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'Europe/Stockholm';

-- ------------------------------------------------------------ complaints and feedback
-- Totals per year (2022: 6, 2023: 18, 2024: 20, 2025: 27), by kind, and how
-- many had a registered answer at the follow-up (the last working day of
-- January after the year, sqm.complaint_follow_up).
SELECT period, matters, complaints, feedback, praise, improvement_proposals, follow_up_day, answered, not_answered
  FROM sqm.stat_complaint_summary
 WHERE org_id = :org AND period_kind = 'year' AND last_day <= '2025-12-31';

-- 2024: 11 complaints and 9 feedback items; answered 7 of 11 and 5 of 9 at
-- the follow-up 2025-01-31 (the other eight got their answers later).
SELECT label, cases, answered, not_answered, status_on
  FROM sqm.stat_complaint_per_kind WHERE org_id = :org AND period = '2024' AND cases > 0;
-- 2025: a registered answer is missing for 2 of the 27 (the total view's
-- matters, the rows' answers).
SELECT t.cases AS matters, sum(k.not_answered) AS without_answer
  FROM sqm.stat_complaint_per_kind_total t
  JOIN sqm.stat_complaint_per_kind k ON k.org_id = t.org_id AND k.period = t.period
 WHERE t.org_id = :org AND t.period = '2025' GROUP BY t.cases;
-- The same count on another day: at the end of the data (2025-12-31) too.
SELECT label, cases, answered FROM sqm.complaints_answered_at(:org, '2025', '2025-12-31') WHERE cases > 0;
SELECT label, cases, answered FROM sqm.complaints_answered_at(:org, '2024', '2025-04-30') WHERE cases > 0;

-- Complaints per unit 2024: Barn och unga 5 (Barn och unga 1 and 2, published
-- together), Vuxna 3, Stöd och försörjning 1, Familjestöd 1, Familjehem 1;
-- feedback per unit 2024: Vuxna 1, Stöd och försörjning 1, not directed at a
-- unit 7.  As the organisation was in 2024, the units with any.
SELECT complaint_kind, unit_label, cases
  FROM sqm.stat_complaint_per_unit
 WHERE org_id = :org AND period = '2024' AND attribution = 'as_it_was' AND complaint_kind IN ('complaint', 'feedback')
   AND cases > 0;
SELECT complaint_kind, cases FROM sqm.stat_complaint_per_unit_total
 WHERE org_id = :org AND period = '2024' AND attribution = 'as_it_was' AND complaint_kind IN ('complaint', 'feedback');
-- "Barn och unga" as published: the two units' rows summed.
SELECT complaint_kind, sum(cases) AS barn_och_unga FROM sqm.stat_complaint_per_unit
 WHERE org_id = :org AND period = '2024' AND attribution = 'as_it_was' AND unit_name LIKE 'Barn och unga _'
 GROUP BY complaint_kind HAVING sum(cases) > 0;

-- The most common subjects, 2024, 2025 and over 2022–2025: case handling,
-- treatment and attitude, insufficient support, insufficient or wrong
-- information (a matter with several subjects counts under each); the
-- multi-year table of 2025 with the years before it, and its total.
SELECT period, string_agg(label_en, ', ' ORDER BY cases DESC, label) FILTER (WHERE r <= 4) AS most_common
  FROM (SELECT period, label_en, cases, label, rank() OVER (PARTITION BY period ORDER BY cases DESC) AS r
          FROM sqm.stat_complaint_per_subject WHERE org_id = :org AND period IN ('2024', '2025')) s
 GROUP BY period ORDER BY period;
SELECT string_agg(label_en, ', ' ORDER BY cases_4_periods DESC) AS most_common_2022_2025
  FROM (SELECT label_en, cases_4_periods FROM sqm.stat_complaint_per_subject
         WHERE org_id = :org AND period = '2025' ORDER BY cases_4_periods DESC LIMIT 4) s;
SELECT label, cases_3_before AS "2022", cases_2_before AS "2023", previous_cases AS "2024", cases AS "2025",
       cases_4_periods AS "2022–2025"
  FROM sqm.stat_complaint_per_subject WHERE org_id = :org AND period = '2025' AND cases_4_periods > 0;
SELECT cases, counted_in_several_rows, cases_in_several_rows, previous_cases, previous_counted_in_several_rows
  FROM sqm.stat_complaint_per_subject_total WHERE org_id = :org AND period = '2025';

-- Links: five complaints revealed deviations (both exist, linked), two led
-- to the lex Sarah reports whose source is a complaint (made through the lex
-- Sarah constructor).
SELECT l.relation, l.to_kind, count(*) FROM sqm.case_link l
 WHERE l.org_id = :org AND l.from_kind = 'complaint' GROUP BY 1, 2 ORDER BY 1;
SELECT r.source, count(*) AS reports, count(l.id) AS linked_from_a_complaint
  FROM sqm.lex_sarah_report r
  LEFT JOIN sqm.case_link l ON l.org_id = r.org_id AND l.to_kind = 'lex_sarah_report' AND l.to_id = r.id
                           AND l.from_kind = 'complaint'
 WHERE r.org_id = :org AND r.source = 'complaint' GROUP BY 1;

-- ------------------------------------------------------------ personal data incidents
-- Per year (2022: 3, 2023: 12, 2024: 9, 2025: 11); none judged to require
-- notification to IMY in 2024 and 2025, an action plan in every case.  2023
-- (not published): two notified, in time -- one 71.5 real hours after
-- awareness across the end of summer time (70.5 by the wall clock).
SELECT period, incidents, assessed_unlikely, assessed_risk, assessed_high, notified_to_imy, notified_in_time,
       notified_late, people_informed, informing_exceptions, action_plans
  FROM sqm.stat_data_incident_summary
 WHERE org_id = :org AND period_kind = 'year' AND last_day <= '2025-12-31';
SELECT round(extract(epoch FROM imy_notified_at - aware_at) / 3600, 1) AS real_hours, imy_late
  FROM sqm.data_incident WHERE org_id = :org AND imy_notified_at IS NOT NULL ORDER BY aware_at;

-- 2024 per unit: 5 from the Barn och unga units, 1 each from Stöd och
-- försörjning, Familjehem, Arbetsmarknad and Beroendestöd.
SELECT unit_label, cases FROM sqm.stat_data_incident_per_unit
 WHERE org_id = :org AND period = '2024' AND attribution = 'as_it_was' AND cases > 0;
SELECT cases FROM sqm.stat_data_incident_per_unit_total WHERE org_id = :org AND period = '2024' AND attribution = 'as_it_was';

-- All attributed to human error (2024 and 2025).
SELECT period, label, cases FROM sqm.stat_data_incident_per_cause
 WHERE org_id = :org AND period IN ('2024', '2025') AND cases > 0;

-- Typical 2024 incidents: documents or text messages to the wrong recipient,
-- a lost folder and a lost USB stick -- both found again.
SELECT label, cases, previous_cases FROM sqm.stat_data_incident_per_type
 WHERE org_id = :org AND period = '2024' AND (cases > 0 OR previous_cases > 0);
SELECT t.label_en, (i.recovered_at IS NOT NULL) AS found_again
  FROM sqm.data_incident i JOIN sqm.data_incident_type t ON t.org_id = i.org_id AND t.code = i.incident_type
 WHERE i.org_id = :org AND i.aware_on BETWEEN '2024-01-01' AND '2024-12-31'
   AND i.incident_type IN ('lost_document', 'lost_device');

-- An incident a deviation revealed is aware when the deviation was reported:
-- the IMY clock runs from when the organisation knew.
SELECT i.aware_at = d.reported_at AS aware_when_the_deviation_was_reported, count(*)
  FROM sqm.case_link l
  JOIN sqm.data_incident i ON i.org_id = l.org_id AND i.id = l.to_id
  JOIN sqm.deviation d ON d.org_id = l.org_id AND d.id = l.from_id
 WHERE l.org_id = :org AND l.relation = 'forwarded_to' AND l.to_kind = 'data_incident'
 GROUP BY 1;

-- ------------------------------------------------------------ lex Maja
-- 2024: none registered (the other years are not published).
SELECT period, reports, sent_to_county_board, sent_to_police
  FROM sqm.stat_lex_maja_summary
 WHERE org_id = :org AND period_kind = 'year' AND last_day <= '2025-12-31';

-- ------------------------------------------------------------ the registry
-- One series per year for the whole organisation, across complaints,
-- incidents, lex Maja reports and IVO notifications.
SELECT kind, count(*) FROM sqm.registry_entry WHERE org_id = :org GROUP BY kind ORDER BY kind;

SELECT ok AS verified FROM sqm.verify(:org);
RESET sqm.frozen_now;
