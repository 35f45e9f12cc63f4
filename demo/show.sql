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
SELECT org_id AS org FROM sqm.organisation WHERE name = 'Socialförvaltningen, Alingsås kommun' \gset
\echo
\echo 'Delegationsordningen: vem som gör den första bedömningen och beslutar om anmälan till IVO (sqm.delegation_order):'
SELECT d.capability AS "behörighet", string_agg(d.role, ', ' ORDER BY d.role) AS "sqm-roller",
       (SELECT string_agg(m.member, ', ' ORDER BY m.member) FROM sqm.membership m
         WHERE m.org_id = :org AND m.role = 'quality_coordinator') AS "kvalitetssamordnare"
  FROM sqm.delegation_order(:org) d
 WHERE d.capability IN ('triage', 'decide_seriousness', 'notify_ivo')
 GROUP BY d.capability ORDER BY d.capability;
\echo
\echo 'Avvikelser (SoL/LSS) per år, och hur många som utreddes enligt lex Sarah (sqm.stat_deviation_totals):'
SELECT period AS "år", reports AS "avvikelser", escalated_to_lex_sarah AS "utredda enligt lex Sarah"
  FROM sqm.stat_deviation_totals WHERE org_id = :org AND regime_group = 'SoL/LSS' ORDER BY period;

\echo 'Avvikelser per enhet 2025 (2024), under dagens organisation (sqm.deviations_per_unit):'
SELECT unit AS "enhet", reports_shown AS "2025",
       CASE WHEN previous_shown = '–' THEN '–' ELSE '(' || previous_shown || ')' END AS "(2024)"
  FROM sqm.deviations_per_unit(:org, '2025', 'today');

\echo 'Avvikelsetyper 2025 och 2024 (en avvikelse kan ha flera typer; sqm.deviations_per_type):'
SELECT coalesce(a.label, b.label) AS "typ", a.reports AS "2025", b.reports AS "2024"
  FROM sqm.deviations_per_type(:org, '2025') a
  FULL JOIN sqm.deviations_per_type(:org, '2024') b ON b.type_code = a.type_code
 ORDER BY a.reports DESC NULLS LAST, b.reports DESC;

\echo 'Status för 2024 års avvikelser vid uppföljningen 2025-01-31 (sqm.deviation_status_at):'
SELECT label AS "status", reports AS "avvikelser" FROM sqm.deviation_status_at(:org, '2024', '2025-01-31');

\echo 'De två avvikelser som varit öppna längst vid uppföljningen (sqm.deviations_open_longest):'
SELECT reported_on AS "rapporterad", unit AS "enhet", days_open AS "dagar öppen",
       CASE WHEN escalated THEN 'ja' ELSE 'nej' END AS "utreds enligt lex Sarah"
  FROM sqm.deviations_open_longest(:org, '2025-01-31', 2);

\echo 'HSL-avvikelser (Boende) och avvikelser i samverkan med regionen:'
SELECT t.period AS "år", t.regime_group AS "regim", t.reports AS "avvikelser",
       (SELECT string_agg(p.label || ' ' || p.reports, ', ' ORDER BY p.reports DESC, p.label)
          FROM sqm.deviations_per_type(:org, t.period, t.regime_group) p) AS "typer"
  FROM sqm.stat_deviation_totals t
 WHERE t.org_id = :org AND t.regime_group IN ('HSL', 'collaboration') AND sqm.first_day(t.period) >= '2024-01-01'
 ORDER BY t.regime_group, t.period;

-- ---------------------------------------------------------------- lex Sarah
\echo 'Lex Sarah: utredningar avslutade per år och anmälda till IVO (sqm.stat_lex_sarah_totals):'
SELECT period AS "år", investigations_completed AS "utredningar", notified_to_ivo AS "anmälda till IVO",
       reports_received AS "rapporter mottagna", investigations_started AS "utredningar påbörjade"
  FROM sqm.stat_lex_sarah_totals WHERE org_id = :org ORDER BY period;

\echo 'Lex Sarah-utredningar per enhet 2025 (2024) (sqm.lex_sarah_per_unit):'
SELECT unit AS "enhet", investigations_shown AS "2025",
       CASE WHEN previous_shown = '–' THEN '–' ELSE '(' || previous_shown || ')' END AS "(2024)",
       coalesce(note, '') AS "not"
  FROM sqm.lex_sarah_per_unit(:org, '2025');

\echo 'Utfall av 2024 års utredningar (sqm.lex_sarah_outcomes) och IVO:s svar (sqm.ivo_answers):'
SELECT label AS "utfall", investigations AS "utredningar", notified_to_ivo AS "anmälda till IVO"
  FROM sqm.lex_sarah_outcomes(:org, '2024');
SELECT a.label AS "IVO:s svar", a.notifications AS "2024", b.notifications AS "2025"
  FROM sqm.ivo_answers(:org, '2024') a JOIN sqm.ivo_answers(:org, '2025') b USING (answer)
 WHERE a.notifications + b.notifications > 0;

\echo 'Lex Sarah-rapporter som ännu inte fördelats till en utredning (sqm.lex_sarah_unassigned):'
SELECT reported_at AS "rapporterad", waited AS "väntat", CASE WHEN overdue THEN 'ja' ELSE 'nej' END AS "över målet"
  FROM sqm.lex_sarah_unassigned WHERE org_id = :org;

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
