-- Statistics of deviations (domain.md §3.1, §6): the tables of the yearly
-- quality report, computed from the same rows the API writes.
--
-- Reports are counted by report date, placed in the organisation's time zone.
-- Withdrawn and reclassified reports are not deviations of this kind and are
-- not counted.  The regimes are kept apart: SoL/LSS, HSL, collaboration.
-- Nothing here shows personal data or free text.  Every view is
-- security_invoker and every function SECURITY INVOKER: a reader sees the
-- statistics of the rows RLS lets them see.
--
-- Report functions take any sqm.period (calendar year, quality year, quarter,
-- month); the sqm.stat_* views apply them to each organisation's quality
-- years.

CREATE VIEW sqm.stat_deviation_base WITH (security_invoker = true) AS
SELECT d.org_id,
       d.id AS deviation_id,
       CASE WHEN d.regime IN ('SoL', 'LSS') THEN 'SoL/LSS' ELSE d.regime END AS regime_group,
       d.regime,
       d.unit_id,
       (d.reported_at AT TIME ZONE o.time_zone)::date AS reported_on,
       sqm.period_of('quality_year', (d.reported_at AT TIME ZONE o.time_zone)::date, o.quality_year_start) AS quality_year,
       d.types,
       d.state,
       d.severity,
       (d.escalated_at IS NOT NULL) AS escalated,
       (d.triaged_at AT TIME ZONE o.time_zone)::date AS triaged_on,
       (d.investigated_at AT TIME ZONE o.time_zone)::date AS investigated_on,
       (d.closed_at AT TIME ZONE o.time_zone)::date AS closed_on
  FROM sqm.deviation d
  JOIN sqm.organisation o ON o.org_id OPERATOR(pg_catalog.=) d.org_id
 WHERE d.state NOT IN ('withdrawn', 'reclassified');
COMMENT ON VIEW sqm.stat_deviation_base IS
  'One row per counted deviation: unit, regime group, report date and quality year, types, milestones — no personal data, no free text';


-- ------------------------------------------------------------- per unit

CREATE FUNCTION sqm.deviations_per_unit(org bigint, period sqm.period, attribution text DEFAULT 'today',
                                        regime_group text DEFAULT 'SoL/LSS', lang text DEFAULT NULL)
RETURNS TABLE (unit_id bigint, unit_kind text, unit text, reports bigint, previous bigint,
               reports_shown text, previous_shown text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    cur   sqm.period := period;
    prv   sqm.period := sqm.prev(period);
    today date;
BEGIN
    IF attribution IS NULL OR attribution NOT IN ('today', 'as_it_was') THEN
        RAISE EXCEPTION 'unknown attribution "%"', attribution
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use today (mapped to today''s units) or as_it_was (the organisation as it was in the period).';
    END IF;
    SELECT (sqm.now() AT TIME ZONE o.time_zone)::date INTO today FROM sqm.organisation o WHERE o.org_id = org;

    RETURN QUERY
    SELECT x.* FROM (
    WITH counted AS (
        SELECT CASE attribution WHEN 'today' THEN sqm.unit_attribution(org, b.unit_id, b.reported_on, today)
                                ELSE b.unit_id END AS unit_id,
               sqm.contains(cur, b.reported_on) AS in_cur
          FROM sqm.stat_deviation_base b
         WHERE b.org_id = org AND b.regime_group = deviations_per_unit.regime_group
           AND (sqm.contains(cur, b.reported_on) OR sqm.contains(prv, b.reported_on))
    ), per_unit AS (
        SELECT c.unit_id, count(*) FILTER (WHERE c.in_cur) AS cur_n, count(*) FILTER (WHERE NOT c.in_cur) AS prv_n
          FROM counted c GROUP BY c.unit_id
    ), listed AS (
        -- units with reports in either period, and every unit (kind unit) of the period
        SELECT p.unit_id FROM per_unit p
        UNION
        SELECT u.unit_id FROM sqm.unit u
         WHERE u.org_id = org AND u.kind = 'unit' AND sqm.unit_existed(org, u.unit_id, cur)
    ), shown AS (
        SELECT l.unit_id, u.kind,
               (SELECT v.name FROM sqm.unit_version v
                 WHERE v.org_id = org AND v.unit_id = l.unit_id
                 ORDER BY lower(v.valid) <= CASE attribution WHEN 'today' THEN today ELSE sqm.last_day(cur) END DESC,
                          lower(v.valid) DESC LIMIT 1) AS name,
               CASE WHEN sqm.unit_existed(org, l.unit_id, cur) OR coalesce(p.cur_n, 0) > 0
                    THEN coalesce(p.cur_n, 0) END AS cur_n,
               CASE WHEN sqm.unit_existed(org, l.unit_id, prv) OR coalesce(p.prv_n, 0) > 0
                    THEN coalesce(p.prv_n, 0) END AS prv_n
          FROM listed l JOIN sqm.unit u ON u.org_id = org AND u.unit_id = l.unit_id
          LEFT JOIN per_unit p ON p.unit_id = l.unit_id
    )
    SELECT s.unit_id, s.kind AS unit_kind, s.name AS unit, s.cur_n AS reports, s.prv_n AS previous,
           coalesce(s.cur_n::text, '–') AS reports_shown, coalesce(s.prv_n::text, '–') AS previous_shown
      FROM shown s
    UNION ALL
    SELECT NULL, NULL, CASE sqm.label_language(org, lang) WHEN 'en' THEN 'Total' ELSE 'Totalt' END,
           (SELECT count(*) FROM counted c WHERE c.in_cur), (SELECT count(*) FROM counted c WHERE NOT c.in_cur),
           (SELECT count(*) FROM counted c WHERE c.in_cur)::text, (SELECT count(*) FROM counted c WHERE NOT c.in_cur)::text
    ) x
    ORDER BY x.unit_id IS NULL, sqm.unit_kind_rank(x.unit_kind) DESC, x.unit COLLATE "C";
END
$$;
COMMENT ON FUNCTION sqm.deviations_per_unit(bigint, sqm.period, text, text, text) IS
  'Deviation reports per unit in a period beside the previous period (– where the unit did not exist, 0 where it had none), under today''s units (attribution today) or as the organisation was (as_it_was), with a total row';

-- ------------------------------------------------------------- per type

CREATE FUNCTION sqm.deviations_per_type(org bigint, period sqm.period, regime_group text DEFAULT 'SoL/LSS',
                                        lang text DEFAULT NULL)
RETURNS TABLE (type_code text, label text, label_sv text, label_en text, reports bigint)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT t.code,
           CASE sqm.label_language(org, lang) WHEN 'en' THEN t.label_en ELSE t.label_sv END,
           t.label_sv, t.label_en, count(*)
      FROM sqm.stat_deviation_base b
      CROSS JOIN LATERAL unnest(b.types) AS bt(code)
      JOIN sqm.deviation_type t ON t.org_id = b.org_id AND t.code = bt.code
     WHERE b.org_id = org AND b.regime_group = deviations_per_type.regime_group
       AND sqm.contains(period, b.reported_on)
     GROUP BY t.code, t.label_sv, t.label_en
     ORDER BY count(*) DESC, t.code;
END;
COMMENT ON FUNCTION sqm.deviations_per_type(bigint, sqm.period, text, text) IS
  'Deviation reports per type in a period (a report with several types counts under each, so the rows sum to more than the reports)';

-- ------------------------------------------------------------- status at a follow-up date

CREATE FUNCTION sqm.deviation_status_at(org bigint, period sqm.period, follow_up date,
                                        regime_group text DEFAULT 'SoL/LSS', lang text DEFAULT NULL)
RETURNS TABLE (status text, label text, reports bigint)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    WITH status AS (
        SELECT CASE WHEN b.closed_on <= follow_up THEN 'closed'
                    WHEN b.investigated_on <= follow_up THEN 'investigated'
                    ELSE 'investigating' END AS status
          FROM sqm.stat_deviation_base b
         WHERE b.org_id = org AND b.regime_group = deviation_status_at.regime_group
           AND sqm.contains(period, b.reported_on)
    ), labels(status, ord, sv, en) AS (VALUES
        ('closed', 1, 'avslutade', 'closed'),
        ('investigating', 2, 'utredning pågår', 'investigation ongoing'),
        ('investigated', 3, 'utredda, åtgärder ej genomförda och uppföljda', 'investigated, measures not carried out and followed up'))
    SELECT l.status, CASE sqm.label_language(org, lang) WHEN 'en' THEN l.en ELSE l.sv END,
           (SELECT count(*) FROM status s WHERE s.status = l.status)
      FROM labels l ORDER BY l.ord;
END;
COMMENT ON FUNCTION sqm.deviation_status_at(bigint, sqm.period, date, text, text) IS
  'Status of a period''s deviation reports at a follow-up date: closed, investigation ongoing, or investigated with measures not yet carried out and followed up';

CREATE FUNCTION sqm.deviations_open_longest(org bigint, at date, how_many integer DEFAULT 5,
                                            regime_group text DEFAULT 'SoL/LSS')
RETURNS TABLE (deviation_id bigint, unit text, reported_on date, days_open integer, escalated boolean, status text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT b.deviation_id, sqm.unit_name(org, b.unit_id, b.reported_on), b.reported_on, at - b.reported_on,
           b.escalated AND b.reported_on <= at,
           CASE WHEN b.investigated_on <= at THEN 'investigated' ELSE 'investigating' END
      FROM sqm.stat_deviation_base b
     WHERE b.org_id = org AND b.regime_group = deviations_open_longest.regime_group
       AND b.reported_on <= at AND (b.closed_on IS NULL OR b.closed_on > at)
     ORDER BY b.reported_on, b.deviation_id
     LIMIT how_many;
END;
COMMENT ON FUNCTION sqm.deviations_open_longest(bigint, date, integer, text) IS
  'The deviation reports open longest on a date: id, unit, report date, days open, whether escalated to lex Sarah';

-- ------------------------------------------------------------- views over quality years

CREATE VIEW sqm.stat_deviation_totals WITH (security_invoker = true) AS
SELECT b.org_id, b.quality_year AS period, b.regime_group,
       count(*) AS reports,
       count(*) FILTER (WHERE b.escalated) AS escalated_to_lex_sarah
  FROM sqm.stat_deviation_base b
 GROUP BY b.org_id, b.quality_year, b.regime_group;
COMMENT ON VIEW sqm.stat_deviation_totals IS
  'Deviation reports per organisation, quality year and regime group, and how many of them were escalated to lex Sarah';

CREATE VIEW sqm.stat_deviation_per_type WITH (security_invoker = true) AS
SELECT y.org_id, y.period, y.regime_group, t.type_code, t.label_sv, t.label_en, t.reports
  FROM (SELECT DISTINCT org_id, quality_year AS period, regime_group FROM sqm.stat_deviation_base) y
  CROSS JOIN LATERAL sqm.deviations_per_type(y.org_id, y.period, y.regime_group) t;
COMMENT ON VIEW sqm.stat_deviation_per_type IS
  'Deviation reports per type, organisation and quality year (a report with several types counts under each)';

CREATE VIEW sqm.stat_deviation_per_unit WITH (security_invoker = true) AS
SELECT y.org_id, y.period, y.regime_group, a.attribution, u.unit_id, u.unit_kind, u.unit,
       u.reports, u.previous, u.reports_shown, u.previous_shown
  FROM (SELECT DISTINCT org_id, quality_year AS period, regime_group FROM sqm.stat_deviation_base) y
  CROSS JOIN (VALUES ('today'), ('as_it_was')) a(attribution)
  CROSS JOIN LATERAL sqm.deviations_per_unit(y.org_id, y.period, a.attribution, y.regime_group) u;
COMMENT ON VIEW sqm.stat_deviation_per_unit IS
  'Deviation reports per unit and quality year beside the previous year, under today''s units and as the organisation was; unit_id NULL is the total';

REVOKE ALL ON sqm.stat_deviation_base, sqm.stat_deviation_totals, sqm.stat_deviation_per_type,
              sqm.stat_deviation_per_unit FROM PUBLIC;
REVOKE ALL ON FUNCTION
    sqm.deviations_per_unit(bigint, sqm.period, text, text, text),
    sqm.deviations_per_type(bigint, sqm.period, text, text),
    sqm.deviation_status_at(bigint, sqm.period, date, text, text),
    sqm.deviations_open_longest(bigint, date, integer, text)
FROM PUBLIC;

SELECT sqm.grant_privilege('deviation', 'SELECT ON sqm.stat_deviation_base, sqm.stat_deviation_totals, sqm.stat_deviation_per_type,
    sqm.stat_deviation_per_unit', '{readers}');
SELECT sqm.grant_privilege('deviation', 'EXECUTE ON FUNCTION sqm.deviations_per_unit(bigint, sqm.period, text, text, text),
    sqm.deviations_per_type(bigint, sqm.period, text, text),
    sqm.deviation_status_at(bigint, sqm.period, date, text, text),
    sqm.deviations_open_longest(bigint, date, integer, text)', '{readers}');
