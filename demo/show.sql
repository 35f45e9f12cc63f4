-- What sqm knows about the demo organisation, printed by ./tools/run.sh.
\pset footer off
\pset null '–'
SELECT org_id AS "id", name AS "organisation", code AS "registering body",
       quality_year_start AS "quality year starts (month)", time_zone AS "time zone",
       label_language AS "labels"
  FROM sqm.organisation ORDER BY org_id;

\echo 'The organisation on 2025-12-31 (sqm.unit_hierarchy):'
SELECT repeat('    ', h.depth) || h.name AS "unit", h.kind AS "kind",
       CASE WHEN sqm.unit_existed(o.org_id, h.unit_id, '2024') THEN 'yes' ELSE 'no – new in 2025' END AS "existed in 2024"
  FROM sqm.organisation o, sqm.unit_hierarchy(o.org_id, '2025-12-31') h
 ORDER BY h.path;

\echo 'Units that existed in 2024 but not in 2025:'
SELECT h.name AS "unit", (SELECT range_agg(v.valid) FROM sqm.unit_version v
                           WHERE v.org_id = o.org_id AND v.unit_id = h.unit_id) AS "valid"
  FROM sqm.organisation o, sqm.unit_hierarchy(o.org_id, '2024-12-31') h
 WHERE NOT sqm.unit_existed(o.org_id, h.unit_id, '2025');

\echo 'Reporting periods (sqm.period) and registry numbers (sqm.regnr):'
SELECT p AS "period", sqm.period_kind(p) AS "kind", sqm.first_day(p) AS "first day",
       sqm.last_day(p) AS "last day", sqm.prev(p) AS "previous"
  FROM unnest('{2025,2024/25@9,2025Q3,2025-03}'::sqm.period[]) AS p;
SELECT r AS "written as", r::sqm.regnr AS "canonical", sqm.regnr_body(r::sqm.regnr) AS "body",
       sqm.regnr_year(r::sqm.regnr) AS "year", sqm.regnr_seq(r::sqm.regnr) AS "sequence"
  FROM unnest('{2025.010 SN,2025. 010 SN,SN 2024/106,2023.219 KS}'::text[]) AS r;

-- ---------------------------------------------------------------- deviations
-- Every table below comes from the statistics views (doc/statistics.md), as a
-- BI tool reads them; "–" is a unit that did not exist (cases NULL).
SELECT org_id AS org FROM sqm.organisation WHERE name = 'Socialförvaltningen, Alingsås kommun' \gset
SET sqm.frozen_now = '2026-02-15 12:00+01';
\echo
\echo 'Delegationsordningen: vem som gör den första bedömningen och beslutar om anmälan till IVO (sqm.delegation_order):'
SELECT d.capability AS "behörighet", string_agg(d.role, ', ' ORDER BY d.role) AS "sqm-roller",
       (SELECT string_agg(m.member, ', ' ORDER BY m.member) FROM sqm.membership m
         WHERE m.org_id = :org AND m.role = 'quality_coordinator') AS "kvalitetssamordnare"
  FROM sqm.delegation_order(:org) d
 WHERE d.capability IN ('triage', 'decide_seriousness', 'notify_ivo')
 GROUP BY d.capability ORDER BY d.capability;
\echo
\echo 'Avvikelser (SoL/LSS) per år, och hur många som utreddes enligt lex Sarah (sqm.stat_deviation_summary):'
SELECT period AS "år", reports AS "avvikelser", escalated_to_lex_sarah AS "utredda enligt lex Sarah"
  FROM sqm.stat_deviation_summary
 WHERE org_id = :org AND regime_group = 'SoL/LSS' AND period_kind = 'year' AND last_day <= '2025-12-31';

\echo 'Avvikelser per enhet 2025 (2024), under dagens organisation (sqm.stat_deviation_per_unit, sqm.stat_deviation_per_unit_total):'
SELECT unit_name AS "enhet", cases AS "2025", coalesce('(' || previous_cases || ')', '–') AS "(2024)"
  FROM sqm.stat_deviation_per_unit
 WHERE org_id = :org AND period = '2025' AND regime_group = 'SoL/LSS' AND attribution = 'today'
UNION ALL
SELECT label_sv, cases, '(' || previous_cases || ')'
  FROM sqm.stat_deviation_per_unit_total, sqm.label
 WHERE org_id = :org AND period = '2025' AND regime_group = 'SoL/LSS' AND attribution = 'today'
   AND kind = 'total' AND code = 'total';

\echo 'Avvikelsetyper 2025 och 2024 (en avvikelse kan ha flera typer; sqm.stat_deviation_per_type):'
SELECT coalesce(a.label, b.label) AS "typ", a.cases AS "2025", b.cases AS "2024"
  FROM (SELECT * FROM sqm.stat_deviation_per_type
         WHERE org_id = :org AND period = '2025' AND regime_group = 'SoL/LSS' AND cases > 0) a
  FULL JOIN (SELECT * FROM sqm.stat_deviation_per_type
              WHERE org_id = :org AND period = '2024' AND regime_group = 'SoL/LSS' AND cases > 0) b
    ON b.type_code = a.type_code
 ORDER BY a.cases DESC NULLS LAST, b.cases DESC;
SELECT period AS "år", cases AS "avvikelser", cases + counted_in_several_rows AS "typangivelser",
       cases_in_several_rows AS "med flera typer"
  FROM sqm.stat_deviation_per_type_total
 WHERE org_id = :org AND period IN ('2024', '2025') AND regime_group = 'SoL/LSS';

\echo 'Status för 2024 års avvikelser vid uppföljningen 2025-01-31 (sqm.stat_deviation_status):'
SELECT label AS "status", cases AS "avvikelser"
  FROM sqm.stat_deviation_status WHERE org_id = :org AND period = '2024' AND regime_group = 'SoL/LSS';

\echo 'De två avvikelser som varit öppna längst vid uppföljningen (sqm.stat_deviation_open_longest):'
SELECT reported_on AS "rapporterad", unit_name AS "enhet", days_open AS "dagar öppen",
       CASE WHEN escalated THEN 'ja' ELSE 'nej' END AS "utreds enligt lex Sarah"
  FROM sqm.stat_deviation_open_longest
 WHERE org_id = :org AND period = '2024' AND regime_group = 'SoL/LSS' AND rank <= 2;

\echo 'Deras uppföljning flyttades till våren 2025 – med skäl, i granskningsloggen (sqm.reschedule_measure):'
SELECT b.reported_on AS "rapporterad", count(*) AS "åtgärder",
       (e.before ->> 'follow_up_on') || ' → ' || (e.after ->> 'follow_up_on') AS "uppföljning", e.reason AS "skäl"
  FROM sqm.stat_deviation_open_longest b
  JOIN sqm.measure m ON m.org_id = :org AND m.source_kind = 'deviation' AND m.source_id = b.deviation_id
  JOIN sqm.audit_trail e ON e.org_id = :org AND e.object_kind = 'measure' AND e.object_id = m.id
                        AND e.change = 'edit' AND e.after ? 'follow_up_on'
 WHERE b.org_id = :org AND b.period = '2024' AND b.regime_group = 'SoL/LSS' AND b.rank <= 2
 GROUP BY b.reported_on, e.before, e.after, e.reason ORDER BY b.reported_on;


\echo 'HSL-avvikelser (Boende) och avvikelser i samverkan med regionen (sqm.stat_deviation_summary, sqm.stat_deviation_per_type, sqm.stat_deviation_collaboration):'
SELECT s.period AS "år", s.regime_group_label AS "regim", s.reports AS "avvikelser",
       (SELECT string_agg(p.label || ' ' || p.cases, ', ' ORDER BY p.cases DESC, p.label)
          FROM sqm.stat_deviation_per_type p
         WHERE p.org_id = s.org_id AND p.period = s.period AND p.regime_group = s.regime_group AND p.cases > 0) AS "typer",
       CASE WHEN s.regime_group = 'collaboration' THEN
            (SELECT string_agg(c.cases || ' ' || c.label, ', ') FROM sqm.stat_deviation_collaboration c
              WHERE c.org_id = s.org_id AND c.period = s.period) END AS "riktning"
  FROM sqm.stat_deviation_summary s
 WHERE s.org_id = :org AND s.regime_group IN ('HSL', 'collaboration') AND s.period IN ('2024', '2025')
 ORDER BY s.regime_group, s.period;

-- ---------------------------------------------------------------- lex Sarah
\echo 'Lex Sarah: utredningar avslutade per år och anmälda till IVO (sqm.stat_lex_sarah_summary):'
SELECT period AS "år", investigations_completed AS "utredningar", notified_to_ivo AS "anmälda till IVO",
       reports_received AS "rapporter mottagna", investigations_started AS "utredningar påbörjade"
  FROM sqm.stat_lex_sarah_summary WHERE org_id = :org AND period_kind = 'year' AND last_day <= '2025-12-31';

\echo 'Lex Sarah-utredningar per enhet 2025 (2024), enheter med utredningar (sqm.stat_lex_sarah_per_unit, sqm.stat_lex_sarah_per_unit_total):'
SELECT unit_name AS "enhet", cases AS "2025", coalesce('(' || previous_cases || ')', '–') AS "(2024)"
  FROM sqm.stat_lex_sarah_per_unit
 WHERE org_id = :org AND period = '2025' AND attribution = 'today' AND (cases > 0 OR previous_cases > 0)
UNION ALL
SELECT 'Totalt', cases, '(' || previous_cases || ')'
  FROM sqm.stat_lex_sarah_per_unit_total WHERE org_id = :org AND period = '2025' AND attribution = 'today';
SELECT format('En utredning som rör flera enheter räknas en gång per enhet: enhetsraderna summerar till %s (%s).',
              cases + counted_in_several_rows, previous_cases + previous_counted_in_several_rows) AS "not"
  FROM sqm.stat_lex_sarah_per_unit_total
 WHERE org_id = :org AND period = '2025' AND attribution = 'today'
   AND (counted_in_several_rows > 0 OR previous_counted_in_several_rows > 0);

\echo 'Utfall av 2024 års utredningar (sqm.stat_lex_sarah_outcome) och IVO:s svar (sqm.stat_ivo_answer):'
SELECT label AS "utfall", cases AS "utredningar", notified_to_ivo AS "anmälda till IVO"
  FROM sqm.stat_lex_sarah_outcome WHERE org_id = :org AND period = '2024';
SELECT a.label AS "IVO:s svar", a.cases AS "2024", b.cases AS "2025"
  FROM sqm.stat_ivo_answer a
  JOIN sqm.stat_ivo_answer b ON b.org_id = a.org_id AND b.period = '2025' AND b.answer = a.answer
 WHERE a.org_id = :org AND a.period = '2024' AND a.cases + b.cases > 0;

\echo 'Teman i 2025 års utredningar (sqm.stat_lex_sarah_theme):'
SELECT label AS "tema", cases AS "utredningar"
  FROM sqm.stat_lex_sarah_theme WHERE org_id = :org AND period = '2025' AND cases > 0;
RESET sqm.frozen_now;

\echo 'Lex Sarah-rapporter som ännu inte fördelats till en utredning (sqm.lex_sarah_unassigned):'
SET sqm.frozen_now = '2026-02-15 12:00+01';
SELECT reported_at AS "rapporterad", waited AS "väntat", CASE WHEN overdue THEN 'ja' ELSE 'nej' END AS "över målet"
  FROM sqm.lex_sarah_unassigned WHERE org_id = :org;
RESET sqm.frozen_now;

-- -------------------------------------------------- complaints, incidents, lex Maja
SET sqm.frozen_now = '2026-02-15 12:00+01';
\echo 'Synpunkter och klagomål per år, och hur många som hade ett registrerat svar vid uppföljningen (sqm.stat_complaint_summary):'
SELECT period AS "år", matters AS "synpunkter och klagomål", complaints AS "klagomål", feedback AS "synpunkter",
       praise AS "beröm", improvement_proposals AS "förbättringsförslag",
       answered || ' av ' || matters AS "besvarade", follow_up_day AS "uppföljning"
  FROM sqm.stat_complaint_summary WHERE org_id = :org AND period_kind = 'year' AND last_day <= '2025-12-31';

\echo 'Klagomål och synpunkter 2024 per enhet, som organisationen var då (sqm.stat_complaint_per_unit):'
SELECT k.unit_label AS "enhet", k.cases AS "klagomål", f.cases AS "synpunkter"
  FROM sqm.stat_complaint_per_unit k
  JOIN sqm.stat_complaint_per_unit f ON f.org_id = k.org_id AND f.period = k.period AND f.attribution = k.attribution
                                    AND f.complaint_kind = 'feedback' AND f.unit_id IS NOT DISTINCT FROM k.unit_id
 WHERE k.org_id = :org AND k.period = '2024' AND k.attribution = 'as_it_was' AND k.complaint_kind = 'complaint'
   AND k.cases + f.cases > 0
UNION ALL
SELECT 'Totalt', k.cases, f.cases
  FROM sqm.stat_complaint_per_unit_total k
  JOIN sqm.stat_complaint_per_unit_total f ON f.org_id = k.org_id AND f.period = k.period AND f.attribution = k.attribution
                                          AND f.complaint_kind = 'feedback'
 WHERE k.org_id = :org AND k.period = '2024' AND k.attribution = 'as_it_was' AND k.complaint_kind = 'complaint';

\echo 'Besvarade vid uppföljningen, per slag (sqm.stat_complaint_per_kind):'
SELECT period AS "år", label AS "slag", answered || ' av ' || cases AS "besvarade", not_answered AS "utan svar", status_on AS "per"
  FROM sqm.stat_complaint_per_kind WHERE org_id = :org AND period IN ('2024', '2025') AND cases > 0;

\echo 'Synpunkter och klagomål per ämne 2022–2025 (ett ärende kan ha flera ämnen; sqm.stat_complaint_per_subject):'
SELECT label AS "ämne", cases_3_before AS "2022", cases_2_before AS "2023", previous_cases AS "2024", cases AS "2025",
       cases_4_periods AS "totalt"
  FROM sqm.stat_complaint_per_subject WHERE org_id = :org AND period = '2025' AND cases_4_periods > 0
 ORDER BY cases_4_periods DESC, label;

\echo 'Personuppgiftsincidenter per år: anmälda till IMY, de registrerade informerade, handlingsplaner (sqm.stat_data_incident_summary):'
SELECT period AS "år", incidents AS "incidenter", assessed_unlikely AS "osannolik risk", notified_to_imy AS "anmälda till IMY",
       notified_late AS "efter 72 timmar", people_informed AS "informerade", action_plans AS "med handlingsplan"
  FROM sqm.stat_data_incident_summary WHERE org_id = :org AND period_kind = 'year' AND last_day <= '2025-12-31';

\echo 'Personuppgiftsincidenter 2024 per enhet, som organisationen var då, och per orsak (sqm.stat_data_incident_per_unit, sqm.stat_data_incident_per_cause):'
SELECT unit_label AS "enhet", cases AS "incidenter"
  FROM sqm.stat_data_incident_per_unit WHERE org_id = :org AND period = '2024' AND attribution = 'as_it_was' AND cases > 0
UNION ALL
SELECT 'Totalt', cases FROM sqm.stat_data_incident_per_unit_total WHERE org_id = :org AND period = '2024' AND attribution = 'as_it_was';
SELECT period AS "år", label AS "orsak", cases AS "incidenter"
  FROM sqm.stat_data_incident_per_cause WHERE org_id = :org AND period IN ('2024', '2025') AND cases > 0;
SELECT label AS "typ 2024", cases AS "incidenter"
  FROM sqm.stat_data_incident_per_type WHERE org_id = :org AND period = '2024' AND cases > 0;

\echo 'Lex Maja-anmälningar per år (sqm.stat_lex_maja_summary):'
SELECT period AS "år", reports AS "anmälningar", sent_to_county_board AS "till länsstyrelsen", sent_to_police AS "till polisen"
  FROM sqm.stat_lex_maja_summary WHERE org_id = :org AND period_kind = 'year' AND last_day <= '2025-12-31';
RESET sqm.frozen_now;

-- ---------------------------------------------------------------- deadlines
\echo 'Öppna åligganden som är försenade eller snart förfaller den 8 januari 2026 (sqm.obligation):'
SET sqm.frozen_now = '2026-01-08 09:00+01';
SELECT o.rule AS "regel", o.kind AS "slag", o.object_id AS "id",
       sqm.unit_name(o.org_id, o.unit_id, '2026-01-08') AS "enhet",
       to_char(o.due_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM-DD HH24:MI') AS "förfaller",
       CASE o.status WHEN 'overdue' THEN 'försenad' ELSE 'snart' END AS "status"
  FROM sqm.obligations(:org, open_only => true) o
 WHERE o.status IN ('overdue', 'due_soon')
 ORDER BY o.due_at, o.rule, o.object_id;
RESET sqm.frozen_now;
