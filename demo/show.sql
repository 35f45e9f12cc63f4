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
