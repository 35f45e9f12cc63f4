-- make bench: what bench/national.sql built, and a check that its bypass
-- left a state the API could have produced -- each rule a row check or guard
-- enforces, asked of the rows (on a sample of the big tables: TABLESAMPLE).
-- Every count of violations must be 0.
\set ON_ERROR_STOP 1
\pset footer off
SET sqm.frozen_now = '2026-02-15 12:00+01';

SELECT 'deviations' AS "cases", count(*) AS "rows",
       round(100.0 * count(*) FILTER (WHERE state NOT IN ('closed', 'withdrawn', 'reclassified')) / count(*), 2) AS "% open"
  FROM sqm.deviation
UNION ALL
SELECT 'measures', count(*), round(100.0 * count(*) FILTER (WHERE state NOT IN ('evaluated', 'cancelled')) / count(*), 2)
  FROM sqm.measure
UNION ALL
SELECT 'lex Sarah reports', count(*), round(100.0 * count(*) FILTER (WHERE state <> 'assigned') / count(*), 2)
  FROM sqm.lex_sarah_report
UNION ALL
SELECT 'lex Sarah investigations', count(*), round(100.0 * count(*) FILTER (WHERE state <> 'closed') / count(*), 2)
  FROM sqm.lex_sarah_investigation
UNION ALL
SELECT 'IVO notifications', count(*), round(100.0 * count(*) FILTER (WHERE state = 'draft') / count(*), 2)
  FROM sqm.ivo_notification;

WITH o AS (SELECT org_id, time_zone FROM sqm.organisation),
d AS (SELECT d.* FROM sqm.deviation d TABLESAMPLE SYSTEM (2) REPEATABLE (15))
SELECT 'the days: the local day of each moment (sqm.local_days)' AS "rule (domain.md, the row check)", count(*) AS "violations"
  FROM d JOIN o USING (org_id)
 WHERE d.reported_on IS DISTINCT FROM (d.reported_at AT TIME ZONE o.time_zone)::date
    OR d.investigated_on IS DISTINCT FROM (d.investigated_at AT TIME ZONE o.time_zone)::date
    OR d.escalated_on IS DISTINCT FROM (d.escalated_at AT TIME ZONE o.time_zone)::date
    OR d.closed_on IS DISTINCT FROM (d.closed_at AT TIME ZONE o.time_zone)::date
UNION ALL
SELECT 'a deviation''s unit existed on the report date (deviation_check)', count(*)
  FROM d
 WHERE NOT EXISTS (SELECT FROM sqm.unit_version v WHERE v.org_id = d.org_id AND v.unit_id = d.unit_id
                      AND v.valid @> d.reported_on)
UNION ALL
SELECT 'its types are the organisation''s, of its regime, valid then (deviation_check)', count(*)
  FROM d
 WHERE EXISTS (SELECT FROM unnest(d.types) t(code)
                WHERE NOT EXISTS (SELECT FROM sqm.deviation_type y
                                   WHERE y.org_id = d.org_id AND y.code = t.code AND y.valid @> d.reported_on
                                     AND y.regime = CASE WHEN d.regime IN ('SoL', 'LSS') THEN 'SoL' ELSE d.regime END))
UNION ALL
SELECT 'moves in order, at the latest now', count(*)
  FROM d
 WHERE d.reported_at > sqm.now() OR d.triaged_at < d.reported_at OR d.investigated_at < d.triaged_at
    OR d.closed_at < d.investigated_at OR d.closed_at > sqm.now() OR d.collab_replied_at < d.reported_at
UNION ALL
SELECT 'a state reached by legal moves: triaged, investigated (summary), closed with a reason or evaluated measures (guards)', count(*)
  FROM d JOIN sqm.deviation_detail x USING (org_id, id)
 WHERE (d.state NOT IN ('reported') AND (d.triaged_at IS NULL OR d.severity IS NULL))
    OR (d.state IN ('investigating', 'measures_decided', 'closed') AND d.investigated_at IS NOT NULL AND x.summary IS NULL)
    OR (d.state = 'closed' AND (d.closed_at IS NULL OR x.summary IS NULL
                                OR (x.no_measure_reason IS NULL
                                    AND NOT EXISTS (SELECT FROM sqm.measure m WHERE m.org_id = d.org_id AND m.source_kind = 'deviation'
                                                       AND m.source_id = d.id AND m.state = 'evaluated'))
                                OR EXISTS (SELECT FROM sqm.measure m WHERE m.org_id = d.org_id AND m.source_kind = 'deviation'
                                              AND m.source_id = d.id AND m.state NOT IN ('evaluated', 'cancelled'))))
    OR (d.state = 'measures_decided' AND NOT EXISTS (SELECT FROM sqm.measure m WHERE m.org_id = d.org_id
                                                        AND m.source_kind = 'deviation' AND m.source_id = d.id))
    OR (d.state = 'withdrawn' AND x.withdrawn_reason IS NULL)
    OR (d.escalated_at IS NOT NULL AND NOT EXISTS (SELECT FROM sqm.case_link l
                                                   WHERE l.org_id = d.org_id AND l.from_kind = 'deviation' AND l.from_id = d.id
                                                     AND l.relation = 'escalated_to'))
UNION ALL
SELECT 'a lex Sarah report''s legal basis is the one in force on the event date (lex_sarah_report_check)', count(*)
  FROM sqm.lex_sarah_report r
 WHERE r.legal_basis IS DISTINCT FROM sqm.lex_sarah_legal_basis(r.org_id, r.regime, r.happened_at)
UNION ALL
SELECT 'a completed investigation documents every required item (guard_lex_sarah_completable)', count(*)
  FROM sqm.lex_sarah_investigation i
 WHERE i.completed_at IS NOT NULL
   AND EXISTS (SELECT FROM sqm.lex_sarah_item t WHERE t.required
                  AND NOT EXISTS (SELECT FROM sqm.lex_sarah_record r WHERE r.org_id = i.org_id AND r.investigation_id = i.id
                                     AND r.item = t.item))
UNION ALL
SELECT 'a serious investigation closes only once notified to IVO (guard_lex_sarah_closable)', count(*)
  FROM sqm.lex_sarah_investigation i
 WHERE i.state = 'closed' AND sqm.is_serious(i.outcome)
   AND NOT EXISTS (SELECT FROM sqm.ivo_notification n WHERE n.org_id = i.org_id AND n.investigation_id = i.id AND n.state = 'sent')
UNION ALL
SELECT 'every new report is in the outbox (sqm.announce)', count(*)
  FROM sqm.lex_sarah_report r
 WHERE NOT EXISTS (SELECT FROM sqm.outbox x WHERE x.org_id = r.org_id AND x.kind = 'lex_sarah_report' AND x.object_id = r.id
                      AND x.event = 'new');
