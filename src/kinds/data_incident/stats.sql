-- Statistics of personal data incidents (domain.md §3.4, §6): the tables of
-- the yearly quality report as views a BI tool can browse (doc/statistics.md),
-- computed from the same rows the API writes.
--
-- An incident counts in the period of the day the organisation became aware
-- of it, in the organisation's time zone (sqm.data_incident.aware_on, kept
-- by sqm.count_days): the day the 72-hour clock of IMY started.  What was
-- done about it -- notified to IMY, the people concerned told, an action plan
-- registered -- counts as it stood on status_on: the period's follow-up day
-- (the last day of the month after it), or today while that day is to come.
-- Nothing here shows personal data, free text, an exact time or a registry
-- number (on time or late is the computed flag imy_late); the views are
-- security_invoker and the functions SECURITY INVOKER.

CREATE INDEX data_incident_aware_on_idx ON sqm.data_incident (org_id, aware_on);

-- ---------------------------------------------------------------------------
-- Codes and column names.

INSERT INTO sqm.label (kind, code, label_sv, label_en, ord, builtin) VALUES
    ('incident_cause', 'human_error', 'mänskligt misstag', 'human error', 1, true),
    ('incident_cause', 'technical', 'tekniskt fel', 'technical fault', 2, true),
    ('incident_cause', 'routine', 'brist i rutin', 'missing or wrong routine', 3, true),
    ('incident_cause', 'external', 'extern orsak', 'external cause', 4, true),
    ('incident_cause', 'unknown', 'okänd orsak', 'unknown cause', 5, true);

INSERT INTO sqm.stat_column (column_name, class, comment, builtin) VALUES
    ('incident_type', 'statistic', 'The type of personal data incident (sqm.data_incident_type.code of the organisation''s taxonomy)', true),
    ('cause', 'statistic', 'The cause of a personal data incident: human_error, technical, routine, external or unknown', true);

-- ---------------------------------------------------------------------------
-- The tables, as functions of a period.

CREATE FUNCTION sqm.stat_data_incident_summary_of(org bigint, first_day date, last_day date, status_on date)
RETURNS TABLE (incidents integer, assessed_unlikely integer, assessed_risk integer, assessed_high integer,
               notified_to_imy integer, notified_in_time integer, notified_late integer, people_informed integer,
               informing_exceptions integer, action_plans integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 1
SET search_path = pg_catalog, pg_temp
SET jit = off
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
        SELECT pg_catalog.count(*)::integer,
               pg_catalog.count(*) FILTER (WHERE i.risk OPERATOR(pg_catalog.=) 'unlikely')::integer,
               pg_catalog.count(*) FILTER (WHERE i.risk OPERATOR(pg_catalog.=) 'risk')::integer,
               pg_catalog.count(*) FILTER (WHERE i.risk OPERATOR(pg_catalog.=) 'high')::integer,
               pg_catalog.count(*) FILTER (WHERE i.imy_notified_on OPERATOR(pg_catalog.<=) status_on)::integer,
               pg_catalog.count(*) FILTER (WHERE i.imy_notified_on OPERATOR(pg_catalog.<=) status_on AND NOT i.imy_late)::integer,
               pg_catalog.count(*) FILTER (WHERE i.imy_notified_on OPERATOR(pg_catalog.<=) status_on AND i.imy_late)::integer,
               pg_catalog.count(*) FILTER (WHERE i.informed_on OPERATOR(pg_catalog.<=) status_on
                                             AND i.informing OPERATOR(pg_catalog.=) 'informed')::integer,
               pg_catalog.count(*) FILTER (WHERE i.informed_on OPERATOR(pg_catalog.<=) status_on
                                             AND i.informing OPERATOR(pg_catalog.=) 'exception')::integer,
               pg_catalog.count(*) FILTER (WHERE i.action_plan_on OPERATOR(pg_catalog.<=) status_on)::integer
          FROM sqm.data_incident i
         WHERE i.org_id OPERATOR(pg_catalog.=) org
           AND i.aware_on OPERATOR(pg_catalog.>=) first_day AND i.aware_on OPERATOR(pg_catalog.<=) last_day;
END
$$;
COMMENT ON FUNCTION sqm.stat_data_incident_summary_of(bigint, date, date, date) IS
  'The personal data incidents of a period (by awareness date), their risks, and how many were notified to IMY (in time, late), had the people concerned told or an exception recorded, and had an action plan, by status_on (sqm.stat_data_incident_summary)';

-- Incidents per unit beside the period before, as for deviations, for both
-- attributions at once: the period's incidents are read once and the units
-- once per attribution (a call per attribution, each with its own
-- sqm.stat_units, read them twice; issue 15).
CREATE FUNCTION sqm.stat_data_incident_units(org bigint, first_day date, last_day date, previous_first date, previous_last date,
                                             today date, lang text)
RETURNS TABLE (attribution text, unit_id bigint, unit_kind text, unit_kind_label text, unit_name text, unit_label text,
               parent_id bigint, parent_name text, department_id bigint, department_name text, unit_valid_from date,
               unit_valid_until date, unit_existed boolean, cases integer, unit_existed_previous boolean,
               previous_cases integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 40
SET search_path = pg_catalog, pg_temp
SET jit = off
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
        WITH m AS MATERIALIZED (
            -- which unit holds each unit's cases of which days today: once per unit
            SELECT m.unit_id, m.days, m.attributed_to FROM sqm.unit_attribution_map(org, today) m
        ), per_day AS MATERIALIZED (
            SELECT i.unit_id, coalesce(m.attributed_to, i.unit_id) AS today_unit_id,
                   i.aware_on OPERATOR(pg_catalog.>=) first_day AS cur,
                   i.aware_on OPERATOR(pg_catalog.<=) previous_last AS prv, i.n
              FROM (SELECT i.unit_id, i.aware_on, pg_catalog.count(*) AS n
                      FROM sqm.data_incident i
                     WHERE i.org_id OPERATOR(pg_catalog.=) org
                       AND i.aware_on OPERATOR(pg_catalog.>=) coalesce(previous_first, first_day)
                       AND i.aware_on OPERATOR(pg_catalog.<=) last_day
                     GROUP BY i.unit_id, i.aware_on) i
              LEFT JOIN m ON m.unit_id OPERATOR(pg_catalog.=) i.unit_id AND m.days OPERATOR(pg_catalog.@>) i.aware_on
        ), counted AS (
            SELECT 'today'::text AS attribution, x.today_unit_id AS unit_id,
                   pg_catalog.sum(x.n) FILTER (WHERE x.cur) AS cur, pg_catalog.sum(x.n) FILTER (WHERE x.prv) AS prv
              FROM per_day x GROUP BY 2
            UNION ALL
            SELECT 'as_it_was'::text, x.unit_id,
                   pg_catalog.sum(x.n) FILTER (WHERE x.cur), pg_catalog.sum(x.n) FILTER (WHERE x.prv)
              FROM per_day x GROUP BY 2
        ), units AS (
            SELECT 'today'::text AS attribution, u.*
              FROM sqm.stat_units(org, first_day, last_day, previous_first, previous_last, 'today', today, lang) u
            UNION ALL
            SELECT 'as_it_was'::text, u.*
              FROM sqm.stat_units(org, first_day, last_day, previous_first, previous_last, 'as_it_was', today, lang) u
        )
        SELECT u.attribution, u.unit_id, u.unit_kind, u.unit_kind_label, u.unit_name, u.unit_label, u.parent_id,
               u.parent_name, u.department_id, u.department_name, u.unit_valid_from, u.unit_valid_until,
               u.unit_existed,
               CASE WHEN u.unit_existed OR coalesce(c.cur, 0) OPERATOR(pg_catalog.>) 0 THEN coalesce(c.cur, 0)::integer END,
               u.unit_existed_previous,
               CASE WHEN previous_first IS NOT NULL AND (u.unit_existed_previous OR coalesce(c.prv, 0) OPERATOR(pg_catalog.>) 0)
                    THEN coalesce(c.prv, 0)::integer END
          FROM units u
          LEFT JOIN counted c ON c.attribution OPERATOR(pg_catalog.=) u.attribution AND c.unit_id OPERATOR(pg_catalog.=) u.unit_id
         WHERE u.listed OR coalesce(c.cur, 0) OPERATOR(pg_catalog.>) 0 OR coalesce(c.prv, 0) OPERATOR(pg_catalog.>) 0;
END
$$;
COMMENT ON FUNCTION sqm.stat_data_incident_units(bigint, date, date, date, date, date, text) IS
  'Personal data incidents per unit in a period (by awareness date) beside the period before, for both attributions (sqm.stat_data_incident_per_unit)';

-- The incidents of a period and of the one before: each in one row of every
-- per-unit, per-type and per-cause table (an incident has one type, one cause).
CREATE FUNCTION sqm.stat_data_incident_total(org bigint, first_day date, last_day date, previous_first date, previous_last date)
RETURNS TABLE (cases integer, counted_in_several_rows integer, cases_in_several_rows integer, cases_in_no_row integer,
               previous_cases integer, previous_counted_in_several_rows integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 1
SET search_path = pg_catalog, pg_temp
SET jit = off
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
        SELECT pg_catalog.count(*) FILTER (WHERE i.aware_on OPERATOR(pg_catalog.>=) first_day)::integer, 0, 0, 0,
               CASE WHEN previous_first IS NOT NULL THEN
                    pg_catalog.count(*) FILTER (WHERE i.aware_on OPERATOR(pg_catalog.<=) previous_last)::integer END,
               CASE WHEN previous_first IS NOT NULL THEN 0 END
          FROM sqm.data_incident i
         WHERE i.org_id OPERATOR(pg_catalog.=) org
           AND i.aware_on OPERATOR(pg_catalog.>=) coalesce(previous_first, first_day)
           AND i.aware_on OPERATOR(pg_catalog.<=) last_day;
END
$$;
COMMENT ON FUNCTION sqm.stat_data_incident_total(bigint, date, date, date, date) IS
  'The total of the per-unit, per-type and per-cause tables of personal data incidents: the incidents of a period (by awareness date) and of the one before';

-- Incidents per type: every type of the taxonomy valid on a day of the
-- period or the one before (zero where none), and every type with incidents.
CREATE FUNCTION sqm.stat_data_incident_types(org bigint, first_day date, last_day date, previous_first date, previous_last date,
                                             lang text)
RETURNS TABLE (incident_type text, label text, label_sv text, label_en text, cases integer, previous_cases integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 10
SET search_path = pg_catalog, pg_temp
SET jit = off
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
        WITH counted AS (
            SELECT i.incident_type AS code,
                   pg_catalog.count(*) FILTER (WHERE i.aware_on OPERATOR(pg_catalog.>=) first_day) AS cur,
                   pg_catalog.count(*) FILTER (WHERE i.aware_on OPERATOR(pg_catalog.<=) previous_last) AS prv
              FROM sqm.data_incident i
             WHERE i.org_id OPERATOR(pg_catalog.=) org
               AND i.aware_on OPERATOR(pg_catalog.>=) previous_first AND i.aware_on OPERATOR(pg_catalog.<=) last_day
             GROUP BY i.incident_type
        )
        SELECT t.code,
               (CASE WHEN lang OPERATOR(pg_catalog.=) 'en' THEN t.label_en ELSE t.label_sv END) COLLATE sqm.swedish,
               t.label_sv COLLATE sqm.swedish, t.label_en COLLATE sqm.swedish,
               coalesce(c.cur, 0)::integer, coalesce(c.prv, 0)::integer
          FROM sqm.data_incident_type t
          LEFT JOIN counted c ON c.code OPERATOR(pg_catalog.=) t.code
         WHERE t.org_id OPERATOR(pg_catalog.=) org
           AND (t.valid OPERATOR(pg_catalog.&&) pg_catalog.daterange(previous_first, last_day, '[]') OR c.code IS NOT NULL);
END
$$;
COMMENT ON FUNCTION sqm.stat_data_incident_types(bigint, date, date, date, date, text) IS
  'Personal data incidents per type in a period (by awareness date) beside the period before (sqm.stat_data_incident_per_type)';

-- Incidents per cause: every cause (zero where none).
CREATE FUNCTION sqm.stat_data_incident_causes(org bigint, first_day date, last_day date, previous_first date, previous_last date,
                                              lang text)
RETURNS TABLE (cause text, label text, label_sv text, label_en text, cases integer, previous_cases integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 5
SET search_path = pg_catalog, pg_temp
SET jit = off
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
        WITH counted AS (
            SELECT i.cause AS code,
                   pg_catalog.count(*) FILTER (WHERE i.aware_on OPERATOR(pg_catalog.>=) first_day) AS cur,
                   pg_catalog.count(*) FILTER (WHERE i.aware_on OPERATOR(pg_catalog.<=) previous_last) AS prv
              FROM sqm.data_incident i
             WHERE i.org_id OPERATOR(pg_catalog.=) org
               AND i.aware_on OPERATOR(pg_catalog.>=) previous_first AND i.aware_on OPERATOR(pg_catalog.<=) last_day
             GROUP BY i.cause
        )
        SELECT l.code, CASE WHEN lang OPERATOR(pg_catalog.=) 'en' THEN l.label_en ELSE l.label_sv END, l.label_sv, l.label_en,
               coalesce(c.cur, 0)::integer, coalesce(c.prv, 0)::integer
          FROM sqm.label l
          LEFT JOIN counted c ON c.code OPERATOR(pg_catalog.=) l.code
         WHERE l.kind OPERATOR(pg_catalog.=) 'incident_cause';
END
$$;
COMMENT ON FUNCTION sqm.stat_data_incident_causes(bigint, date, date, date, date, text) IS
  'Personal data incidents per cause in a period (by awareness date) beside the period before (sqm.stat_data_incident_per_cause)';

-- ---------------------------------------------------------------------------
-- The views.

CREATE VIEW sqm.stat_data_incident_summary WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       p.follow_up_day, pg_catalog.date_smaller(p.follow_up_day, p.today) AS status_on,
       x.incidents, x.assessed_unlikely, x.assessed_risk, x.assessed_high, x.notified_to_imy, x.notified_in_time,
       x.notified_late, x.people_informed, x.informing_exceptions, x.action_plans
  FROM sqm.stat_period p,
       LATERAL sqm.stat_data_incident_summary_of(p.org_id, p.first_day, p.last_day,
                                                 pg_catalog.date_smaller(p.follow_up_day, p.today)) x
 ORDER BY p.org_id, p.first_day, p.last_day DESC;

CREATE VIEW sqm.stat_data_incident_per_unit WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       x.attribution,
       (CASE WHEN p.label_language OPERATOR(pg_catalog.=) 'en' THEN a.label_en ELSE a.label_sv END) AS attribution_label,
       x.unit_id, x.unit_kind, x.unit_kind_label COLLATE sqm.swedish AS unit_kind_label,
       x.unit_name COLLATE sqm.swedish AS unit_name, x.unit_label COLLATE sqm.swedish AS unit_label, x.parent_id,
       x.parent_name COLLATE sqm.swedish AS parent_name,
       x.department_id, x.department_name COLLATE sqm.swedish AS department_name, x.unit_valid_from, x.unit_valid_until,
       x.unit_existed, x.cases, x.unit_existed_previous, x.previous_cases
  FROM sqm.stat_period p,
       LATERAL sqm.stat_data_incident_units(p.org_id, p.first_day, p.last_day, p.previous_first_day, p.previous_last_day,
                                            p.today, p.label_language) x,
       sqm.label a
 WHERE a.kind OPERATOR(pg_catalog.=) 'attribution' AND a.code OPERATOR(pg_catalog.=) x.attribution
 ORDER BY p.org_id, p.first_day, p.last_day DESC, a.ord, sqm.unit_kind_rank(x.unit_kind) DESC, x.unit_label;

CREATE VIEW sqm.stat_data_incident_per_unit_total WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       y.attribution,
       (CASE WHEN p.label_language OPERATOR(pg_catalog.=) 'en' THEN y.attribution_label_en ELSE y.attribution_label_sv END) AS attribution_label,
       y.cases, y.counted_in_several_rows, y.cases_in_several_rows, y.cases_in_no_row,
       y.previous_cases, y.previous_counted_in_several_rows
  FROM sqm.stat_period p,
       LATERAL (
        -- the total does not depend on the attribution: once per period (a
        -- materialized CTE, however the planner orders the joins; the
        -- attributions only repeat its row; issue 15)
        WITH t AS MATERIALIZED (
            SELECT x.* FROM sqm.stat_data_incident_total(p.org_id, p.first_day, p.last_day, p.previous_first_day,
                                                         p.previous_last_day) x
        )
        SELECT a.code AS attribution, a.ord AS attribution_ord, a.label_sv AS attribution_label_sv,
               a.label_en AS attribution_label_en,
               t.cases, t.counted_in_several_rows, t.cases_in_several_rows, t.cases_in_no_row,
               t.previous_cases, t.previous_counted_in_several_rows
          FROM t CROSS JOIN sqm.label a
         WHERE a.kind OPERATOR(pg_catalog.=) 'attribution'
       ) y
 ORDER BY p.org_id, p.first_day, p.last_day DESC, y.attribution_ord;

CREATE VIEW sqm.stat_data_incident_per_type WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       x.incident_type, x.label COLLATE sqm.swedish AS label, x.label_sv COLLATE sqm.swedish AS label_sv,
       x.label_en COLLATE sqm.swedish AS label_en, x.cases, x.previous_cases
  FROM sqm.stat_period p,
       LATERAL sqm.stat_data_incident_types(p.org_id, p.first_day, p.last_day, p.previous_first_day, p.previous_last_day,
                                            p.label_language) x
 ORDER BY p.org_id, p.first_day, p.last_day DESC, x.cases DESC, x.label;

CREATE VIEW sqm.stat_data_incident_per_type_total WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       x.cases, x.counted_in_several_rows, x.cases_in_several_rows, x.cases_in_no_row,
       x.previous_cases, x.previous_counted_in_several_rows
  FROM sqm.stat_period p,
       LATERAL sqm.stat_data_incident_total(p.org_id, p.first_day, p.last_day, p.previous_first_day, p.previous_last_day) x
 ORDER BY p.org_id, p.first_day, p.last_day DESC;

CREATE VIEW sqm.stat_data_incident_per_cause WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       x.cause, x.label COLLATE sqm.swedish AS label, x.label_sv COLLATE sqm.swedish AS label_sv,
       x.label_en COLLATE sqm.swedish AS label_en, x.cases, x.previous_cases
  FROM sqm.stat_period p,
       LATERAL sqm.stat_data_incident_causes(p.org_id, p.first_day, p.last_day, p.previous_first_day, p.previous_last_day,
                                             p.label_language) x
 ORDER BY p.org_id, p.first_day, p.last_day DESC,
          (SELECT l.ord FROM sqm.label l WHERE l.kind OPERATOR(pg_catalog.=) 'incident_cause' AND l.code OPERATOR(pg_catalog.=) x.cause);

CREATE VIEW sqm.stat_data_incident_per_cause_total WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       x.cases, x.counted_in_several_rows, x.cases_in_several_rows, x.cases_in_no_row,
       x.previous_cases, x.previous_counted_in_several_rows
  FROM sqm.stat_period p,
       LATERAL sqm.stat_data_incident_total(p.org_id, p.first_day, p.last_day, p.previous_first_day, p.previous_last_day) x
 ORDER BY p.org_id, p.first_day, p.last_day DESC;

SELECT sqm.register_stat_view('sqm.stat_data_incident_summary', 'data_incident',
  'Personuppgiftsincidenter per år', 'Personal data incidents per year',
  'Personal data incidents per period (the multi-year totals: period_kind year), by the day the organisation became aware of them (its time zone): their risk as assessed, and as it stood on status_on how many were notified to IMY (in time: within 72 real hours of awareness, GDPR art. 33(1); late: with reasons for the delay), had the people concerned told or an exception of art. 34(3) recorded, and had an action plan',
  columns => '{"incidents": "Personal data incidents the organisation became aware of in the period",
               "assessed_unlikely": "Of which assessed as unlikely to result in a risk (not notified to IMY)",
               "assessed_risk": "Of which assessed as a risk", "assessed_high": "Of which assessed as a high risk",
               "notified_to_imy": "Of which notified to IMY by status_on",
               "notified_in_time": "Of which notified to IMY within 72 real hours of awareness",
               "notified_late": "Of which notified to IMY later than 72 hours after awareness (with the reasons for the delay)",
               "people_informed": "Of which the people concerned were told by status_on (GDPR art. 34)",
               "informing_exceptions": "Of which an exception of GDPR art. 34(3) was recorded instead by status_on",
               "action_plans": "Of which an action plan was registered by status_on"}');
SELECT sqm.register_stat_view('sqm.stat_data_incident_per_unit_total', 'data_incident',
  'Personuppgiftsincidenter per enhet, totalt', 'Personal data incidents per unit, total',
  'The total of sqm.stat_data_incident_per_unit: the incidents of the period and of the period before (each counts in one unit row)');
SELECT sqm.register_stat_view('sqm.stat_data_incident_per_unit', 'data_incident',
  'Personuppgiftsincidenter per enhet', 'Personal data incidents per unit',
  'Personal data incidents per unit, period (by awareness date) and attribution, beside the period before: a row for every unit of kind unit that existed in the period (0 where it had none) and for every unit with incidents in either period; cases NULL where the unit did not exist (published as "–"). Totals: sqm.stat_data_incident_per_unit_total',
  total => 'sqm.stat_data_incident_per_unit_total');
SELECT sqm.register_stat_view('sqm.stat_data_incident_per_type_total', 'data_incident',
  'Personuppgiftsincidenter per typ, totalt', 'Personal data incidents per type, total',
  'The total of sqm.stat_data_incident_per_type: the incidents of the period and of the period before (each of one type)');
SELECT sqm.register_stat_view('sqm.stat_data_incident_per_type', 'data_incident',
  'Personuppgiftsincidenter per typ', 'Personal data incidents per type',
  'Personal data incidents per type of the organisation''s taxonomy and period (by awareness date), beside the period before: every type valid on a day of either period (0 where none). Totals: sqm.stat_data_incident_per_type_total',
  total => 'sqm.stat_data_incident_per_type_total');
SELECT sqm.register_stat_view('sqm.stat_data_incident_per_cause_total', 'data_incident',
  'Personuppgiftsincidenter per orsak, totalt', 'Personal data incidents per cause, total',
  'The total of sqm.stat_data_incident_per_cause: the incidents of the period and of the period before (each of one cause)');
SELECT sqm.register_stat_view('sqm.stat_data_incident_per_cause', 'data_incident',
  'Personuppgiftsincidenter per orsak', 'Personal data incidents per cause',
  'Personal data incidents per cause (human error, technical, routine, external, unknown) and period (by awareness date), beside the period before (0 where none). Totals: sqm.stat_data_incident_per_cause_total',
  total => 'sqm.stat_data_incident_per_cause_total');

-- ---------------------------------------------------------------------------
-- A function for what a view cannot take: any period, an attribution, a
-- language.

CREATE FUNCTION sqm.data_incidents_per_unit(org bigint, period sqm.period, attribution text DEFAULT 'today',
                                            lang text DEFAULT NULL)
RETURNS SETOF sqm.stat_data_incident_per_unit
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
    l  text;
BEGIN
    PERFORM sqm.stat_check(data_incidents_per_unit.period, data_incidents_per_unit.attribution);
    l := sqm.stat_language(org, lang);
    RETURN QUERY
    SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
           data_incidents_per_unit.attribution, sqm.label_of('attribution', data_incidents_per_unit.attribution, l),
           x.unit_id, x.unit_kind, x.unit_kind_label, x.unit_name, x.unit_label, x.parent_id, x.parent_name,
           x.department_id, x.department_name, x.unit_valid_from, x.unit_valid_until,
           x.unit_existed, x.cases, x.unit_existed_previous, x.previous_cases
      FROM sqm.stat_period_of(org, data_incidents_per_unit.period) p
     CROSS JOIN LATERAL sqm.stat_data_incident_units(p.org_id, p.first_day, p.last_day, p.previous_first_day,
                                                     p.previous_last_day, p.today, l) x
     WHERE x.attribution OPERATOR(pg_catalog.=) data_incidents_per_unit.attribution
     ORDER BY sqm.unit_kind_rank(x.unit_kind) DESC, x.unit_label;
END
$$;
COMMENT ON FUNCTION sqm.data_incidents_per_unit(bigint, sqm.period, text, text) IS
  'The rows of sqm.stat_data_incident_per_unit for any period (beside the one before it), attribution (today, as_it_was) and label language';

REVOKE ALL ON FUNCTION
    sqm.stat_data_incident_summary_of(bigint, date, date, date),
    sqm.stat_data_incident_units(bigint, date, date, date, date, date, text),
    sqm.stat_data_incident_total(bigint, date, date, date, date),
    sqm.stat_data_incident_types(bigint, date, date, date, date, text),
    sqm.stat_data_incident_causes(bigint, date, date, date, date, text),
    sqm.data_incidents_per_unit(bigint, sqm.period, text, text)
FROM PUBLIC;
SELECT sqm.grant_privilege('data_incident', 'EXECUTE ON FUNCTION
    sqm.stat_data_incident_summary_of(bigint, date, date, date),
    sqm.stat_data_incident_units(bigint, date, date, date, date, date, text),
    sqm.stat_data_incident_total(bigint, date, date, date, date),
    sqm.stat_data_incident_types(bigint, date, date, date, date, text),
    sqm.stat_data_incident_causes(bigint, date, date, date, date, text),
    sqm.data_incidents_per_unit(bigint, sqm.period, text, text)', '{readers}');

-- ---------------------------------------------------------------------------
-- The chapter of personal data incidents in the quality report (doc/report.md).

SELECT sqm.register_report_chapter('data_incident', 40, 'Personuppgiftsincidenter', 'Personal data incidents',
  'En personuppgiftsincident är en säkerhetsincident som rör personuppgifter: en handling eller ett meddelande till fel mottagare, en förlorad pärm eller ett förlorat USB-minne, obehörig åtkomst. Varje incident dokumenteras och riskbedöms och får en handlingsplan; om den inte bedöms som osannolik att medföra en risk anmäls den till Integritetsskyddsmyndigheten (IMY) inom 72 timmar från det att förvaltningen fick kännedom om den. En incident räknas det år förvaltningen fick kännedom om den.',
  'A personal data incident is a security breach concerning personal data: a document or message to the wrong recipient, a lost folder or USB stick, unauthorised access. Every incident is documented, its risk assessed and an action plan drawn up; unless it is unlikely to result in a risk it is notified to the data protection authority (IMY) within 72 hours of the organisation becoming aware of it. An incident counts in the year the organisation became aware of it.',
  builtin => true);

SELECT sqm.register_report_section('data_incident_per_year', 'data_incident', 10,
  'Personuppgiftsincidenter per år', 'Personal data incidents per year',
  'sqm.stat_data_incident_summary', 'period', 'År', 'Year',
  '[{"column": "incidents", "label_sv": "Incidenter", "label_en": "Incidents"},
    {"column": "notified_to_imy", "label_sv": "Anmälda till IMY", "label_en": "Notified to IMY"},
    {"column": "notified_late", "label_sv": "Varav efter 72 timmar", "label_en": "Of which after 72 hours"},
    {"column": "assessed_high", "label_sv": "Hög risk", "label_en": "High risk"},
    {"column": "people_informed", "label_sv": "De registrerade informerade", "label_en": "The people concerned told"},
    {"column": "action_plans", "label_sv": "Med handlingsplan", "label_en": "With an action plan"}]',
  layout => 'years', chart => 'line', axis_label_sv => 'Antal per år', axis_label_en => 'Number per year',
  builtin => true);

SELECT sqm.register_report_section('data_incident_per_unit', 'data_incident', 20,
  'Personuppgiftsincidenter per enhet {period} och {previous_period}', 'Personal data incidents per unit, {period} and {previous_period}',
  'sqm.stat_data_incident_per_unit', 'unit_label', 'Enhet', 'Unit',
  '[{"column": "cases", "label_sv": "{period}", "label_en": "{period}", "previous": "previous_cases"}]',
  view_filter => '{"attribution": "today"}', keys => '{unit_id}', chart => 'bar_pair',
  axis_label_sv => 'Antal incidenter', axis_label_en => 'Number of incidents', hide_empty => true, per_department => true,
  notes_sv => '{"Enheter med incidenter något av åren. En incident räknas under enheten där den inträffade, som den heter i dag."}',
  notes_en => '{"Units with incidents in either year. An incident counts under the unit where it happened, as it is called today."}',
  builtin => true);

SELECT sqm.register_report_section('data_incident_per_type', 'data_incident', 30,
  'Personuppgiftsincidenter per typ {period} och {previous_period}', 'Personal data incidents per type, {period} and {previous_period}',
  'sqm.stat_data_incident_per_type', 'label', 'Typ', 'Type',
  '[{"column": "cases", "label_sv": "{period}", "label_en": "{period}", "previous": "previous_cases"}]',
  keys => '{incident_type}', chart => 'hbar', axis_label_sv => 'Antal incidenter', axis_label_en => 'Number of incidents',
  hide_empty => true, builtin => true);

SELECT sqm.register_report_section('data_incident_per_cause', 'data_incident', 40,
  'Personuppgiftsincidenter per orsak {period} och {previous_period}', 'Personal data incidents per cause, {period} and {previous_period}',
  'sqm.stat_data_incident_per_cause', 'label', 'Orsak', 'Cause',
  '[{"column": "cases", "label_sv": "{period}", "label_en": "{period}", "previous": "previous_cases"}]',
  keys => '{cause}', hide_empty => true, builtin => true);
