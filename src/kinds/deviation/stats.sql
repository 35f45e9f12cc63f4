-- Statistics of deviations (domain.md §3.1, §6): the deviation tables of the
-- yearly quality report as views a BI tool can browse (doc/statistics.md),
-- computed from the same rows the API writes.
--
-- A report counts in the period of its report date, in the organisation's
-- time zone (sqm.deviation.reported_on, kept by sqm.count_days below).
-- Withdrawn and reclassified reports are not deviations of this kind and are
-- not counted.  The regime groups are kept apart: SoL/LSS, HSL and
-- collaboration.  Nothing here shows personal data, free text, an exact time
-- or a registry number.  Every view is security_invoker and every function
-- SECURITY INVOKER: a reader sees the statistics of the rows RLS lets them see.
--
-- Each table is a set-returning PL/pgSQL function of an organisation and a
-- period's first and last day, reading that range of sqm.deviation through
-- the index on (org_id, regime, reported_on); the sqm.stat_deviation_* views apply it
-- to the periods of sqm.stat_period, the functions for parameters
-- (sqm.deviations_per_unit …) to any period (src/core/sql/70_statistics.sql).

-- A period's reports of a regime are an index range, and the index holds
-- every column the tables read: the statistics of one organisation read its
-- own entries of the period, not the heap pages they share with every other
-- organisation's reports of the same days (issue 15: 300 organisations
-- interleaved in one database).  Withdrawn and reclassified reports are no
-- deviations of this kind and no table counts them: the index leaves them
-- out, so that no scan checks each entry's state (every query here says
-- so, which lets the planner use it).
CREATE INDEX deviation_stat_idx ON sqm.deviation (org_id, regime, reported_on)
    INCLUDE (unit_id, investigated_on, escalated_on, closed_on, types, collab_direction)
    WHERE state OPERATOR(pg_catalog.<>) ALL ('{withdrawn,reclassified}'::text[]);

-- The reports open on a day: not closed, or closed after it; withdrawn and
-- reclassified reports are never open (sqm.stat_deviation_open).
CREATE INDEX deviation_open_on_idx ON sqm.deviation (org_id, closed_on, reported_on)
    WHERE state OPERATOR(pg_catalog.<>) ALL ('{withdrawn,reclassified}'::text[]);

-- ---------------------------------------------------------------------------
-- Codes and column names.

INSERT INTO sqm.label (kind, code, label_sv, label_en, ord, builtin) VALUES
    ('regime_group', 'SoL/LSS', 'SoL/LSS', 'SoL/LSS', 1, true),
    ('regime_group', 'HSL', 'HSL', 'HSL', 2, true),
    ('regime_group', 'collaboration', 'samverkan', 'collaboration', 3, true),
    ('deviation_status', 'closed', 'avslutade', 'closed', 1, true),
    ('deviation_status', 'investigating', 'utredning pågår', 'investigation ongoing', 2, true),
    ('deviation_status', 'investigated', 'utredda, åtgärder ej genomförda och uppföljda',
     'investigated, measures not carried out and followed up', 3, true),
    ('collab_direction', 'received', 'mottagna', 'received', 1, true),
    ('collab_direction', 'sent', 'skickade', 'sent', 2, true);

INSERT INTO sqm.stat_column (column_name, class, comment, builtin) VALUES
    ('regime_group', 'statistic',
     'SoL/LSS (social services), HSL (health care in the organisation''s own units) or collaboration (with another organisation): published tables keep them apart', true),
    ('regime_group_label', 'statistic', 'regime_group in the organisation''s language (sqm.label)', true),
    ('type_code', 'statistic', 'The deviation type (sqm.deviation_type.code of the organisation''s taxonomy)', true),
    ('deviation_id', 'internal', 'The deviation report (sqm.deviation.id)', true),
    ('reported_on', 'statistic', 'The report date, in the organisation''s time zone', true),
    ('escalated_to_lex_sarah', 'statistic', 'How many of the reports were escalated to lex Sarah (investigated under lex Sarah)', true);

-- The regimes of a regime group, and the regime of its types (SoL types serve
-- SoL and LSS reports).
CREATE FUNCTION sqm.deviation_regimes(regime_group text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN regime_group OPERATOR(pg_catalog.=) 'SoL/LSS' THEN '{SoL,LSS}'::text[] ELSE ARRAY[regime_group] END;
COMMENT ON FUNCTION sqm.deviation_regimes(text) IS 'The regimes of a regime group: SoL/LSS is SoL and LSS; HSL and collaboration are themselves';
CREATE FUNCTION sqm.deviation_type_regime(regime_group text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN regime_group OPERATOR(pg_catalog.=) 'SoL/LSS' THEN 'SoL' ELSE regime_group END;
COMMENT ON FUNCTION sqm.deviation_type_regime(text) IS 'The regime of the deviation types a regime group uses (sqm.deviation_type.regime)';
CREATE FUNCTION sqm.deviation_regime_group(regime text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN regime OPERATOR(pg_catalog.=) ANY ('{SoL,LSS}'::text[]) THEN 'SoL/LSS' ELSE regime END;
COMMENT ON FUNCTION sqm.deviation_regime_group(text) IS 'The regime group of a regime: SoL and LSS are SoL/LSS; HSL and collaboration are themselves';

-- A regime group as the functions take it: one of sqm.label's regime_group
-- codes, written exactly; anything else is refused (22023).
CREATE FUNCTION sqm.deviation_check_regime_group(regime_group text) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    detail  text := CASE WHEN regime_group IN ('SoL', 'LSS') THEN format('%s is a regime of the group SoL/LSS.', regime_group)
                         WHEN upper(regime_group) IN ('SOL/LSS', 'HSL', 'COLLABORATION') THEN 'Regime groups are written exactly.'
                         ELSE format('%s is no regime group.', coalesce(quote_literal(regime_group), 'NULL')) END;
BEGIN
    IF regime_group IS NULL OR NOT EXISTS (SELECT FROM sqm.label l WHERE l.kind = 'regime_group' AND l.code = regime_group) THEN
        RAISE EXCEPTION 'unknown regime group "%"', regime_group
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = detail,
                  HINT = 'The regime groups are SoL/LSS, HSL and collaboration.';
    END IF;
END
$$;
COMMENT ON FUNCTION sqm.deviation_check_regime_group(text) IS
  'Internal: refuses (22023) a regime group that is not SoL/LSS, HSL or collaboration';

-- ---------------------------------------------------------------------------
-- The tables, as functions of a period.

-- Reports per unit beside the period before, for every regime group and
-- both attributions at once: every unit of kind unit that existed in the
-- period (zero where it had none), and every unit with reports in either
-- period.  Under attribution today a report counts under the unit holding it
-- today (sqm.unit_attribution_map: computed once per unit and range of days,
-- and each report looked up in it).  The period's reports are read once and
-- the units once per attribution: six calls, one per regime group and
-- attribution, were most of the per-unit tables' time (issue 15).
CREATE FUNCTION sqm.stat_deviation_units(org bigint, first_day date, last_day date, previous_first date, previous_last date,
                                         today date, lang text)
RETURNS TABLE (regime_group text, attribution text, unit_id bigint, unit_kind text, unit_kind_label text, unit_name text,
               unit_label text, parent_id bigint, parent_name text, department_id bigint, department_name text,
               unit_valid_from date, unit_valid_until date,
               unit_existed boolean, cases integer, unit_existed_previous boolean, previous_cases integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 120
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
        ), counted AS MATERIALIZED (
            -- one pass over the reports of the period and the one before,
            -- counted per regime group, unit then and unit today: a few dozen
            -- rows, summed per attribution below (keeping the reports in a CTE
            -- and counting them once per attribution cost more than the rest
            -- of the table)
            SELECT sqm.deviation_regime_group(d.regime) AS regime_group, d.unit_id,
                   coalesce(m.attributed_to, d.unit_id) AS today_unit_id,
                   pg_catalog.count(*) FILTER (WHERE d.reported_on OPERATOR(pg_catalog.>=) first_day) AS cur,
                   pg_catalog.count(*) FILTER (WHERE d.reported_on OPERATOR(pg_catalog.<=) previous_last) AS prv
              FROM sqm.deviation d
              LEFT JOIN m ON m.unit_id OPERATOR(pg_catalog.=) d.unit_id AND m.days OPERATOR(pg_catalog.@>) d.reported_on
             WHERE d.org_id OPERATOR(pg_catalog.=) org
               AND d.reported_on OPERATOR(pg_catalog.>=) coalesce(previous_first, first_day)
               AND d.reported_on OPERATOR(pg_catalog.<=) last_day
               -- every regime: an index range each (deviation_stat_idx)
               AND d.regime OPERATOR(pg_catalog.=) ANY ('{SoL,LSS,HSL,collaboration}'::text[])
               AND d.state OPERATOR(pg_catalog.<>) ALL ('{withdrawn,reclassified}'::text[])
             GROUP BY 1, 2, 3
        ), attributed AS (
            SELECT c.regime_group, 'today'::text AS attribution, c.today_unit_id AS unit_id,
                   pg_catalog.sum(c.cur) AS cur, pg_catalog.sum(c.prv) AS prv
              FROM counted c GROUP BY 1, 3
            UNION ALL
            SELECT c.regime_group, 'as_it_was'::text, c.unit_id, pg_catalog.sum(c.cur), pg_catalog.sum(c.prv)
              FROM counted c GROUP BY 1, 3
        ), units AS (
            SELECT 'today'::text AS attribution, u.*
              FROM sqm.stat_units(org, first_day, last_day, previous_first, previous_last, 'today', today, lang) u
            UNION ALL
            SELECT 'as_it_was'::text, u.*
              FROM sqm.stat_units(org, first_day, last_day, previous_first, previous_last, 'as_it_was', today, lang) u
        )
        SELECT g.code, u.attribution, u.unit_id, u.unit_kind, u.unit_kind_label, u.unit_name, u.unit_label, u.parent_id,
               u.parent_name, u.department_id, u.department_name, u.unit_valid_from, u.unit_valid_until,
               u.unit_existed,
               CASE WHEN u.unit_existed OR coalesce(c.cur, 0) OPERATOR(pg_catalog.>) 0 THEN coalesce(c.cur, 0)::integer END,
               u.unit_existed_previous,
               CASE WHEN previous_first IS NOT NULL AND (u.unit_existed_previous OR coalesce(c.prv, 0) OPERATOR(pg_catalog.>) 0)
                    THEN coalesce(c.prv, 0)::integer END
          FROM sqm.label g
         CROSS JOIN units u
          LEFT JOIN attributed c ON c.regime_group OPERATOR(pg_catalog.=) g.code AND c.attribution OPERATOR(pg_catalog.=) u.attribution
                             AND c.unit_id OPERATOR(pg_catalog.=) u.unit_id
         WHERE g.kind OPERATOR(pg_catalog.=) 'regime_group'
           AND (u.listed OR coalesce(c.cur, 0) OPERATOR(pg_catalog.>) 0 OR coalesce(c.prv, 0) OPERATOR(pg_catalog.>) 0);
END
$$;
COMMENT ON FUNCTION sqm.stat_deviation_units(bigint, date, date, date, date, date, text) IS
  'Deviation reports per unit in a period (first_day … last_day) beside the period before, for every regime group and attribution (sqm.stat_deviation_per_unit)';

-- The total of the reports per unit: every report counts in exactly one row.
CREATE FUNCTION sqm.stat_deviation_units_total(org bigint, first_day date, last_day date, previous_first date,
                                               previous_last date, regime_group text)
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
        SELECT pg_catalog.count(*) FILTER (WHERE d.reported_on OPERATOR(pg_catalog.>=) first_day)::integer, 0, 0, 0,
               CASE WHEN previous_first IS NOT NULL THEN
                    pg_catalog.count(*) FILTER (WHERE d.reported_on OPERATOR(pg_catalog.<=) previous_last)::integer END,
               CASE WHEN previous_first IS NOT NULL THEN 0 END
          FROM sqm.deviation d
         WHERE d.org_id OPERATOR(pg_catalog.=) org
           AND d.reported_on OPERATOR(pg_catalog.>=) coalesce(previous_first, first_day)
           AND d.reported_on OPERATOR(pg_catalog.<=) last_day
           AND d.regime OPERATOR(pg_catalog.=) ANY (sqm.deviation_regimes(regime_group))
           AND d.state OPERATOR(pg_catalog.<>) ALL ('{withdrawn,reclassified}'::text[]);
END
$$;
COMMENT ON FUNCTION sqm.stat_deviation_units_total(bigint, date, date, date, date, text) IS
  'The total of sqm.stat_deviation_units: the reports of a period and of the one before';

-- Reports per type, for every regime group at once: every type of the
-- organisation's taxonomy for the group's type regime
-- (sqm.deviation_type_regime) valid on a day of the period (zero where none),
-- and every such type with reports; a report with several types counts
-- under each.  One call per period instead of one per regime group, each
-- group's regimes an index range of deviation_stat_idx counted per type (as
-- sqm.stat_deviation_summary_of; one pass hashed by group and type cost more).
CREATE FUNCTION sqm.stat_deviation_types(org bigint, first_day date, last_day date, lang text)
RETURNS TABLE (regime_group text, type_code text, label text, label_sv text, label_en text, cases integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 45
SET search_path = pg_catalog, pg_temp
SET jit = off
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
        -- materialized: counted once, not once per type of the taxonomy
        WITH counted AS MATERIALIZED (
            SELECT g.code AS regime_group, c.code, c.n
              FROM sqm.label g
             CROSS JOIN LATERAL (
                    SELECT t.code, pg_catalog.count(*) AS n
                      FROM sqm.deviation d CROSS JOIN LATERAL pg_catalog.unnest(d.types) AS t(code)
                     WHERE d.org_id OPERATOR(pg_catalog.=) org
                       AND d.regime OPERATOR(pg_catalog.=) ANY (sqm.deviation_regimes(g.code))
                       AND d.reported_on OPERATOR(pg_catalog.>=) first_day AND d.reported_on OPERATOR(pg_catalog.<=) last_day
                       AND d.state OPERATOR(pg_catalog.<>) ALL ('{withdrawn,reclassified}'::text[])
                     GROUP BY t.code
                   ) c
             WHERE g.kind OPERATOR(pg_catalog.=) 'regime_group'
        )
        SELECT g.code, ty.code,
               (CASE WHEN lang OPERATOR(pg_catalog.=) 'en' THEN ty.label_en ELSE ty.label_sv END) COLLATE sqm.swedish,
               ty.label_sv COLLATE sqm.swedish, ty.label_en COLLATE sqm.swedish,
               coalesce(c.n, 0)::integer
          FROM sqm.label g
          JOIN sqm.deviation_type ty ON ty.org_id OPERATOR(pg_catalog.=) org
                                    AND ty.regime OPERATOR(pg_catalog.=) sqm.deviation_type_regime(g.code)
          -- a group lists the types of its type regime only, as a call per
          -- group did
          LEFT JOIN counted c ON c.regime_group OPERATOR(pg_catalog.=) g.code AND c.code OPERATOR(pg_catalog.=) ty.code
         WHERE g.kind OPERATOR(pg_catalog.=) 'regime_group'
           AND (ty.valid OPERATOR(pg_catalog.&&) pg_catalog.daterange(first_day, last_day, '[]') OR c.code IS NOT NULL);
END
$$;
COMMENT ON FUNCTION sqm.stat_deviation_types(bigint, date, date, text) IS
  'Deviation reports per type in a period, for every regime group (a report with several types counts under each; sqm.stat_deviation_per_type)';

-- The total of the types, for every regime group at once (a group without
-- reports has its row, with 0): the reports, how many more times they count
-- because of a second or third type, and how many have several.  One call
-- per period, as sqm.stat_deviation_summary_of.
CREATE FUNCTION sqm.stat_deviation_types_total(org bigint, first_day date, last_day date)
RETURNS TABLE (regime_group text, cases integer, counted_in_several_rows integer, cases_in_several_rows integer,
               cases_in_no_row integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 3
SET search_path = pg_catalog, pg_temp
SET jit = off
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
        SELECT g.code, c.cases::integer, c.more::integer, c.several::integer, 0
          FROM sqm.label g
         CROSS JOIN LATERAL (
                SELECT pg_catalog.count(*) AS cases,
                       coalesce(pg_catalog.sum(pg_catalog.cardinality(d.types) OPERATOR(pg_catalog.-) 1), 0) AS more,
                       pg_catalog.count(*) FILTER (WHERE pg_catalog.cardinality(d.types) OPERATOR(pg_catalog.>) 1) AS several
                  FROM sqm.deviation d
                 WHERE d.org_id OPERATOR(pg_catalog.=) org
                   AND d.regime OPERATOR(pg_catalog.=) ANY (sqm.deviation_regimes(g.code))
                   AND d.reported_on OPERATOR(pg_catalog.>=) first_day AND d.reported_on OPERATOR(pg_catalog.<=) last_day
                   AND d.state OPERATOR(pg_catalog.<>) ALL ('{withdrawn,reclassified}'::text[])
               ) c
         WHERE g.kind OPERATOR(pg_catalog.=) 'regime_group';
END
$$;
COMMENT ON FUNCTION sqm.stat_deviation_types_total(bigint, date, date) IS
  'The total of sqm.stat_deviation_types, for every regime group: reports, and how many more times than once they count because they have several types';

-- Reports per type and unit (the unit's department alongside, to sum per
-- department): the combinations that have reports, for every regime group and
-- both attributions at once.  The period's reports are read once (one index
-- range per regime of deviation_stat_idx) and the units once per attribution:
-- six calls, one per regime group and attribution, each with its own
-- sqm.stat_units, were most of the table's time (issue 15).
CREATE FUNCTION sqm.stat_deviation_unit_types(org bigint, first_day date, last_day date, today date, lang text)
RETURNS TABLE (regime_group text, attribution text, unit_id bigint, unit_kind text, unit_kind_label text, unit_name text,
               unit_label text, parent_id bigint, parent_name text, department_id bigint, department_name text,
               unit_valid_from date, unit_valid_until date,
               type_code text, label text, label_sv text, label_en text, cases integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 300
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
        ), counted AS MATERIALIZED (
            -- one pass over the period's reports, counted per regime group, unit
            -- then, unit today and type: a few hundred rows, summed per
            -- attribution below (reading the reports once per attribution, or
            -- keeping them in a CTE, cost twice as much)
            SELECT sqm.deviation_regime_group(d.regime) AS regime_group, d.unit_id,
                   coalesce(m.attributed_to, d.unit_id) AS today_unit_id, t.code, pg_catalog.count(*) AS n
              FROM sqm.deviation d
             CROSS JOIN LATERAL pg_catalog.unnest(d.types) AS t(code)
              LEFT JOIN m ON m.unit_id OPERATOR(pg_catalog.=) d.unit_id AND m.days OPERATOR(pg_catalog.@>) d.reported_on
             WHERE d.org_id OPERATOR(pg_catalog.=) org
               AND d.reported_on OPERATOR(pg_catalog.>=) first_day AND d.reported_on OPERATOR(pg_catalog.<=) last_day
               -- every regime: an index range each (deviation_stat_idx)
               AND d.regime OPERATOR(pg_catalog.=) ANY ('{SoL,LSS,HSL,collaboration}'::text[])
               AND d.state OPERATOR(pg_catalog.<>) ALL ('{withdrawn,reclassified}'::text[])
             GROUP BY 1, 2, 3, 4
        ), attributed AS (
            SELECT c.regime_group, 'today'::text AS attribution, c.today_unit_id AS unit_id, c.code, pg_catalog.sum(c.n) AS n
              FROM counted c GROUP BY 1, 3, 4
            UNION ALL
            SELECT c.regime_group, 'as_it_was'::text, c.unit_id, c.code, pg_catalog.sum(c.n)
              FROM counted c GROUP BY 1, 3, 4
        ), units AS (
            SELECT 'today'::text AS attribution, u.*
              FROM sqm.stat_units(org, first_day, last_day, NULL, NULL, 'today', today, lang) u
            UNION ALL
            SELECT 'as_it_was'::text, u.*
              FROM sqm.stat_units(org, first_day, last_day, NULL, NULL, 'as_it_was', today, lang) u
        )
        SELECT c.regime_group, c.attribution, u.unit_id, u.unit_kind, u.unit_kind_label, u.unit_name, u.unit_label,
               u.parent_id, u.parent_name, u.department_id, u.department_name, u.unit_valid_from, u.unit_valid_until,
               c.code,
               (CASE WHEN lang OPERATOR(pg_catalog.=) 'en' THEN ty.label_en ELSE ty.label_sv END) COLLATE sqm.swedish,
               ty.label_sv COLLATE sqm.swedish, ty.label_en COLLATE sqm.swedish,
               c.n::integer
          FROM attributed c
          JOIN units u ON u.attribution OPERATOR(pg_catalog.=) c.attribution AND u.unit_id OPERATOR(pg_catalog.=) c.unit_id
          LEFT JOIN sqm.deviation_type ty ON ty.org_id OPERATOR(pg_catalog.=) org AND ty.code OPERATOR(pg_catalog.=) c.code;
END
$$;
COMMENT ON FUNCTION sqm.stat_deviation_unit_types(bigint, date, date, date, text) IS
  'Deviation reports per unit and type in a period, where there are any, for every regime group and attribution (sqm.stat_deviation_per_type_per_unit)';

-- Status of a period's reports on a day: closed by then, investigated (the
-- summary recorded) but with measures not yet carried out and followed up,
-- or investigation ongoing — the published "78 / 6 / 9" at the follow-up;
-- for every regime group at once, every status (0 where none).  One call per
-- period instead of one per regime group, each group's regimes an index range
-- of deviation_stat_idx counted once by a plain aggregate (a call per group
-- counted its reports once per status: half the status table's time; issue 15).
CREATE FUNCTION sqm.stat_deviation_statuses(org bigint, first_day date, last_day date, status_on date, lang text)
RETURNS TABLE (regime_group text, status text, label text, label_sv text, label_en text, cases integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 9
SET search_path = pg_catalog, pg_temp
SET jit = off
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
        SELECT g.code, l.code, CASE WHEN lang OPERATOR(pg_catalog.=) 'en' THEN l.label_en ELSE l.label_sv END,
               l.label_sv, l.label_en,
               (CASE l.code WHEN 'closed' THEN c.closed WHEN 'investigated' THEN c.investigated
                            WHEN 'investigating' THEN c.reports OPERATOR(pg_catalog.-) c.closed OPERATOR(pg_catalog.-) c.investigated
                            ELSE 0 END)::integer
          FROM sqm.label g
         CROSS JOIN LATERAL (
                -- closed: closed by status_on; investigated: not closed by
                -- then, the summary recorded by then; investigating: the rest
                SELECT pg_catalog.count(*) AS reports,
                       pg_catalog.count(*) FILTER (WHERE d.closed_on OPERATOR(pg_catalog.<=) status_on) AS closed,
                       pg_catalog.count(*) FILTER (WHERE d.investigated_on OPERATOR(pg_catalog.<=) status_on
                                                     AND NOT coalesce(d.closed_on OPERATOR(pg_catalog.<=) status_on, false))
                           AS investigated
                  FROM sqm.deviation d
                 WHERE d.org_id OPERATOR(pg_catalog.=) org
                   AND d.regime OPERATOR(pg_catalog.=) ANY (sqm.deviation_regimes(g.code))
                   AND d.reported_on OPERATOR(pg_catalog.>=) first_day AND d.reported_on OPERATOR(pg_catalog.<=) last_day
                   AND d.state OPERATOR(pg_catalog.<>) ALL ('{withdrawn,reclassified}'::text[])
               ) c
         CROSS JOIN sqm.label l
         WHERE g.kind OPERATOR(pg_catalog.=) 'regime_group' AND l.kind OPERATOR(pg_catalog.=) 'deviation_status';
END
$$;
COMMENT ON FUNCTION sqm.stat_deviation_statuses(bigint, date, date, date, text) IS
  'Status of a period''s deviation reports on a day, for every regime group: closed, investigation ongoing, or investigated with measures not yet carried out and followed up (sqm.stat_deviation_status)';

-- The total of the statuses, for every regime group at once (a group without
-- reports has its row, with 0): the reports of the period, each in one
-- status.  One call per period, as sqm.stat_deviation_summary_of.
CREATE FUNCTION sqm.stat_deviation_statuses_total(org bigint, first_day date, last_day date)
RETURNS TABLE (regime_group text, cases integer, counted_in_several_rows integer, cases_in_several_rows integer,
               cases_in_no_row integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 3
SET search_path = pg_catalog, pg_temp
SET jit = off
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
        SELECT g.code, c.n::integer, 0, 0, 0
          FROM sqm.label g
         CROSS JOIN LATERAL (
                SELECT pg_catalog.count(*) AS n
                  FROM sqm.deviation d
                 WHERE d.org_id OPERATOR(pg_catalog.=) org
                   AND d.regime OPERATOR(pg_catalog.=) ANY (sqm.deviation_regimes(g.code))
                   AND d.reported_on OPERATOR(pg_catalog.>=) first_day AND d.reported_on OPERATOR(pg_catalog.<=) last_day
                   AND d.state OPERATOR(pg_catalog.<>) ALL ('{withdrawn,reclassified}'::text[])
               ) c
         WHERE g.kind OPERATOR(pg_catalog.=) 'regime_group';
END
$$;
COMMENT ON FUNCTION sqm.stat_deviation_statuses_total(bigint, date, date) IS
  'The total of sqm.stat_deviation_statuses, for every regime group: the reports of the period, each in one status';

-- The reports of a period, or before it, still open on a day, longest open
-- first (rank 1).
CREATE FUNCTION sqm.stat_deviation_open(org bigint, last_day date, status_on date, regime_group text, lang text)
RETURNS TABLE (rank integer, deviation_id bigint, unit_id bigint, unit_name text, reported_on date, days_open integer,
               escalated boolean, status text, label text, label_sv text, label_en text)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 10
SET search_path = pg_catalog, pg_temp
SET jit = off
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
    -- open on status_on: not closed, or closed after it -- two ranges of
    -- deviation_open_on_idx, so that what is read is what was open, not
    -- every report of the organisation's history
    RETURN QUERY
        WITH open AS (
            SELECT d.id, d.unit_id, d.reported_on, d.regime, d.investigated_on, d.escalated_on
              FROM sqm.deviation d
             WHERE d.org_id OPERATOR(pg_catalog.=) org AND d.closed_on IS NULL
               AND d.reported_on OPERATOR(pg_catalog.<=) pg_catalog.date_smaller(last_day, status_on)
               AND d.state OPERATOR(pg_catalog.<>) ALL ('{withdrawn,reclassified}'::text[])
            UNION ALL
            SELECT d.id, d.unit_id, d.reported_on, d.regime, d.investigated_on, d.escalated_on
              FROM sqm.deviation d
             WHERE d.org_id OPERATOR(pg_catalog.=) org AND d.closed_on OPERATOR(pg_catalog.>) status_on
               AND d.reported_on OPERATOR(pg_catalog.<=) pg_catalog.date_smaller(last_day, status_on)
               AND d.state OPERATOR(pg_catalog.<>) ALL ('{withdrawn,reclassified}'::text[])
        )
        SELECT (pg_catalog.row_number() OVER (ORDER BY d.reported_on, d.id))::integer,
               d.id, d.unit_id, v.name COLLATE sqm.swedish, d.reported_on,
               status_on OPERATOR(pg_catalog.-) d.reported_on,
               coalesce(d.escalated_on OPERATOR(pg_catalog.<=) status_on, false),
               l.code, CASE WHEN lang OPERATOR(pg_catalog.=) 'en' THEN l.label_en ELSE l.label_sv END, l.label_sv, l.label_en
          FROM open d
          LEFT JOIN sqm.unit_version v ON v.org_id OPERATOR(pg_catalog.=) org AND v.unit_id OPERATOR(pg_catalog.=) d.unit_id
                                      AND v.valid OPERATOR(pg_catalog.@>) d.reported_on
          JOIN sqm.label l ON l.kind OPERATOR(pg_catalog.=) 'deviation_status'
                          AND l.code OPERATOR(pg_catalog.=) CASE WHEN d.investigated_on OPERATOR(pg_catalog.<=) status_on
                                                                 THEN 'investigated' ELSE 'investigating' END
         WHERE d.regime OPERATOR(pg_catalog.=) ANY (sqm.deviation_regimes(regime_group));
END
$$;
COMMENT ON FUNCTION sqm.stat_deviation_open(bigint, date, date, text, text) IS
  'The deviation reports of a period or before it (reported by last_day) still open on a day, longest open first (sqm.stat_deviation_open_longest)';

-- Collaboration deviations per direction: received from the other
-- organisation, or sent to it.
CREATE FUNCTION sqm.stat_deviation_directions(org bigint, first_day date, last_day date, lang text)
RETURNS TABLE (collab_direction text, label text, label_sv text, label_en text, cases integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 2
SET search_path = pg_catalog, pg_temp
SET jit = off
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
        SELECT l.code, CASE WHEN lang OPERATOR(pg_catalog.=) 'en' THEN l.label_en ELSE l.label_sv END, l.label_sv, l.label_en,
               (SELECT pg_catalog.count(*) FROM sqm.deviation d
                 WHERE d.org_id OPERATOR(pg_catalog.=) org
                   AND d.reported_on OPERATOR(pg_catalog.>=) first_day AND d.reported_on OPERATOR(pg_catalog.<=) last_day
                   AND d.regime OPERATOR(pg_catalog.=) 'collaboration'
                   AND d.state OPERATOR(pg_catalog.<>) ALL ('{withdrawn,reclassified}'::text[])
                   AND d.collab_direction OPERATOR(pg_catalog.=) l.code)::integer
          FROM sqm.label l
         WHERE l.kind OPERATOR(pg_catalog.=) 'collab_direction';
END
$$;
COMMENT ON FUNCTION sqm.stat_deviation_directions(bigint, date, date, text) IS
  'Collaboration deviations of a period per direction: received from the other organisation or sent to it (sqm.stat_deviation_collaboration)';

-- Reports of a period, and how many were escalated to lex Sarah, for every
-- regime group at once (a group without reports has its row, with 0): one
-- call per period instead of one per regime group, each group's regimes an
-- index range of deviation_stat_idx (an index-only scan) counted by a plain
-- aggregate.  Measured on a year of 3 300 reports (issue 15): one pass over
-- every regime hashed by group cost more than the calls it saved (0.90 ms
-- against 0.59 for three calls); this, 0.53.  The rows counted, not the
-- calls, are the cost of the multi-year table.
CREATE FUNCTION sqm.stat_deviation_summary_of(org bigint, first_day date, last_day date)
RETURNS TABLE (regime_group text, reports integer, escalated_to_lex_sarah integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 3
SET search_path = pg_catalog, pg_temp
SET jit = off
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
        SELECT g.code, c.reports::integer, c.escalated::integer
          FROM sqm.label g
         CROSS JOIN LATERAL (
                SELECT pg_catalog.count(*) AS reports, pg_catalog.count(d.escalated_on) AS escalated
                  FROM sqm.deviation d
                 WHERE d.org_id OPERATOR(pg_catalog.=) org
                   AND d.regime OPERATOR(pg_catalog.=) ANY (sqm.deviation_regimes(g.code))
                   AND d.reported_on OPERATOR(pg_catalog.>=) first_day AND d.reported_on OPERATOR(pg_catalog.<=) last_day
                   AND d.state OPERATOR(pg_catalog.<>) ALL ('{withdrawn,reclassified}'::text[])
               ) c
         WHERE g.kind OPERATOR(pg_catalog.=) 'regime_group';
END
$$;
COMMENT ON FUNCTION sqm.stat_deviation_summary_of(bigint, date, date) IS
  'The reports of a period and how many of them were escalated to lex Sarah, for every regime group (sqm.stat_deviation_summary)';

-- ---------------------------------------------------------------------------
-- The views: every period of sqm.stat_period (the organisation's reporting
-- years, quarters and months), every regime group and attribution.  Period
-- columns first, then the codes with their labels, then the row.
-- Their sources are listed with commas (the join conditions in WHERE), not
-- JOIN ... ON or CROSS JOIN LATERAL: a JOIN makes the rewriter rebuild each
-- function's result descriptor for every column it exposes, on every query
-- (about 0.03 ms a view; doc/statistics.md).

CREATE VIEW sqm.stat_deviation_summary WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       x.regime_group,
       (CASE WHEN p.label_language OPERATOR(pg_catalog.=) 'en' THEN g.label_en ELSE g.label_sv END) AS regime_group_label,
       x.reports, x.escalated_to_lex_sarah
  FROM sqm.stat_period p,
       LATERAL sqm.stat_deviation_summary_of(p.org_id, p.first_day, p.last_day) x,
       sqm.label g
 WHERE g.kind OPERATOR(pg_catalog.=) 'regime_group' AND g.code OPERATOR(pg_catalog.=) x.regime_group
 ORDER BY p.org_id, p.first_day, p.last_day DESC, g.ord;

CREATE VIEW sqm.stat_deviation_per_unit WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       x.regime_group,
       (CASE WHEN p.label_language OPERATOR(pg_catalog.=) 'en' THEN g.label_en ELSE g.label_sv END) AS regime_group_label,
       x.attribution,
       (CASE WHEN p.label_language OPERATOR(pg_catalog.=) 'en' THEN a.label_en ELSE a.label_sv END) AS attribution_label,
       x.unit_id, x.unit_kind, x.unit_kind_label COLLATE sqm.swedish AS unit_kind_label,
       x.unit_name COLLATE sqm.swedish AS unit_name, x.unit_label COLLATE sqm.swedish AS unit_label, x.parent_id,
       x.parent_name COLLATE sqm.swedish AS parent_name,
       x.department_id, x.department_name COLLATE sqm.swedish AS department_name, x.unit_valid_from, x.unit_valid_until,
       x.unit_existed, x.cases, x.unit_existed_previous, x.previous_cases
  FROM sqm.stat_period p,
       LATERAL sqm.stat_deviation_units(p.org_id, p.first_day, p.last_day, p.previous_first_day, p.previous_last_day,
                                        p.today, p.label_language) x,
       sqm.label g,
       sqm.label a
 WHERE g.kind OPERATOR(pg_catalog.=) 'regime_group' AND g.code OPERATOR(pg_catalog.=) x.regime_group
   AND a.kind OPERATOR(pg_catalog.=) 'attribution' AND a.code OPERATOR(pg_catalog.=) x.attribution
 ORDER BY p.org_id, p.first_day, p.last_day DESC, g.ord, a.ord,
          sqm.unit_kind_rank(x.unit_kind) DESC, x.unit_label;

CREATE VIEW sqm.stat_deviation_per_unit_total WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       y.regime_group,
       (CASE WHEN p.label_language OPERATOR(pg_catalog.=) 'en' THEN y.regime_group_label_en ELSE y.regime_group_label_sv END) AS regime_group_label,
       y.attribution,
       (CASE WHEN p.label_language OPERATOR(pg_catalog.=) 'en' THEN y.attribution_label_en ELSE y.attribution_label_sv END) AS attribution_label,
       y.cases, y.counted_in_several_rows, y.cases_in_several_rows, y.cases_in_no_row,
       y.previous_cases, y.previous_counted_in_several_rows
  FROM sqm.stat_period p,
       LATERAL (
        -- the total does not depend on the attribution: once per regime group (a
        -- materialized CTE is computed once per period, however the planner
        -- orders the joins; the attributions only repeat its rows; issue 15)
        WITH t AS MATERIALIZED (
            SELECT g.code, g.ord, g.label_sv, g.label_en, x.*
              FROM sqm.label g
             CROSS JOIN LATERAL sqm.stat_deviation_units_total(p.org_id, p.first_day, p.last_day, p.previous_first_day,
                                                               p.previous_last_day, g.code) x
             WHERE g.kind OPERATOR(pg_catalog.=) 'regime_group'
        )
        SELECT t.code AS regime_group, t.ord AS regime_group_ord, t.label_sv AS regime_group_label_sv, t.label_en AS regime_group_label_en,
               a.code AS attribution, a.ord AS attribution_ord, a.label_sv AS attribution_label_sv,
               a.label_en AS attribution_label_en,
               t.cases, t.counted_in_several_rows, t.cases_in_several_rows, t.cases_in_no_row,
               t.previous_cases, t.previous_counted_in_several_rows
          FROM t CROSS JOIN sqm.label a
         WHERE a.kind OPERATOR(pg_catalog.=) 'attribution'
       ) y
 ORDER BY p.org_id, p.first_day, p.last_day DESC, y.regime_group_ord, y.attribution_ord;

CREATE VIEW sqm.stat_deviation_per_type WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       x.regime_group,
       (CASE WHEN p.label_language OPERATOR(pg_catalog.=) 'en' THEN g.label_en ELSE g.label_sv END) AS regime_group_label,
       x.type_code, x.label COLLATE sqm.swedish AS label, x.label_sv COLLATE sqm.swedish AS label_sv,
       x.label_en COLLATE sqm.swedish AS label_en, x.cases
  FROM sqm.stat_period p,
       LATERAL sqm.stat_deviation_types(p.org_id, p.first_day, p.last_day, p.label_language) x,
       sqm.label g
 WHERE g.kind OPERATOR(pg_catalog.=) 'regime_group' AND g.code OPERATOR(pg_catalog.=) x.regime_group
 ORDER BY p.org_id, p.first_day, p.last_day DESC, g.ord, x.cases DESC, x.label;

CREATE VIEW sqm.stat_deviation_per_type_total WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       x.regime_group,
       (CASE WHEN p.label_language OPERATOR(pg_catalog.=) 'en' THEN g.label_en ELSE g.label_sv END) AS regime_group_label,
       x.cases, x.counted_in_several_rows, x.cases_in_several_rows, x.cases_in_no_row
  FROM sqm.stat_period p,
       LATERAL sqm.stat_deviation_types_total(p.org_id, p.first_day, p.last_day) x,
       sqm.label g
 WHERE g.kind OPERATOR(pg_catalog.=) 'regime_group' AND g.code OPERATOR(pg_catalog.=) x.regime_group
 ORDER BY p.org_id, p.first_day, p.last_day DESC, g.ord;

CREATE VIEW sqm.stat_deviation_per_type_per_unit WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       x.regime_group,
       (CASE WHEN p.label_language OPERATOR(pg_catalog.=) 'en' THEN g.label_en ELSE g.label_sv END) AS regime_group_label,
       x.attribution,
       (CASE WHEN p.label_language OPERATOR(pg_catalog.=) 'en' THEN a.label_en ELSE a.label_sv END) AS attribution_label,
       x.unit_id, x.unit_kind, x.unit_kind_label COLLATE sqm.swedish AS unit_kind_label,
       x.unit_name COLLATE sqm.swedish AS unit_name, x.unit_label COLLATE sqm.swedish AS unit_label, x.parent_id,
       x.parent_name COLLATE sqm.swedish AS parent_name,
       x.department_id, x.department_name COLLATE sqm.swedish AS department_name, x.unit_valid_from, x.unit_valid_until,
       x.type_code, x.label COLLATE sqm.swedish AS label, x.label_sv COLLATE sqm.swedish AS label_sv,
       x.label_en COLLATE sqm.swedish AS label_en, x.cases
  FROM sqm.stat_period p,
       LATERAL sqm.stat_deviation_unit_types(p.org_id, p.first_day, p.last_day, p.today, p.label_language) x,
       sqm.label g,
       sqm.label a
 WHERE g.kind OPERATOR(pg_catalog.=) 'regime_group' AND g.code OPERATOR(pg_catalog.=) x.regime_group
   AND a.kind OPERATOR(pg_catalog.=) 'attribution' AND a.code OPERATOR(pg_catalog.=) x.attribution
 ORDER BY p.org_id, p.first_day, p.last_day DESC, g.ord, a.ord, x.department_name NULLS FIRST,
          sqm.unit_kind_rank(x.unit_kind) DESC, x.unit_label,
          x.cases DESC, x.label;

CREATE VIEW sqm.stat_deviation_per_type_per_unit_total WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       y.regime_group,
       (CASE WHEN p.label_language OPERATOR(pg_catalog.=) 'en' THEN y.regime_group_label_en ELSE y.regime_group_label_sv END) AS regime_group_label,
       y.attribution,
       (CASE WHEN p.label_language OPERATOR(pg_catalog.=) 'en' THEN y.attribution_label_en ELSE y.attribution_label_sv END) AS attribution_label,
       y.cases, y.counted_in_several_rows, y.cases_in_several_rows, y.cases_in_no_row
  FROM sqm.stat_period p,
       LATERAL (
        -- the total does not depend on the attribution: once per period for
        -- every regime group, as in sqm.stat_deviation_per_unit_total
        WITH t AS MATERIALIZED (
            SELECT g.code, g.ord, g.label_sv, g.label_en,
                   x.cases, x.counted_in_several_rows, x.cases_in_several_rows, x.cases_in_no_row
              FROM sqm.stat_deviation_types_total(p.org_id, p.first_day, p.last_day) x
              JOIN sqm.label g ON g.kind OPERATOR(pg_catalog.=) 'regime_group' AND g.code OPERATOR(pg_catalog.=) x.regime_group
        )
        SELECT t.code AS regime_group, t.ord AS regime_group_ord, t.label_sv AS regime_group_label_sv, t.label_en AS regime_group_label_en,
               a.code AS attribution, a.ord AS attribution_ord, a.label_sv AS attribution_label_sv,
               a.label_en AS attribution_label_en,
               t.cases, t.counted_in_several_rows, t.cases_in_several_rows, t.cases_in_no_row
          FROM t CROSS JOIN sqm.label a
         WHERE a.kind OPERATOR(pg_catalog.=) 'attribution'
       ) y
 ORDER BY p.org_id, p.first_day, p.last_day DESC, y.regime_group_ord, y.attribution_ord;

CREATE VIEW sqm.stat_deviation_status WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       x.regime_group,
       (CASE WHEN p.label_language OPERATOR(pg_catalog.=) 'en' THEN g.label_en ELSE g.label_sv END) AS regime_group_label,
       p.follow_up_day, pg_catalog.date_smaller(p.follow_up_day, p.today) AS status_on,
       x.status, x.label COLLATE sqm.swedish AS label, x.label_sv COLLATE sqm.swedish AS label_sv,
       x.label_en COLLATE sqm.swedish AS label_en, x.cases
  FROM sqm.stat_period p,
       LATERAL sqm.stat_deviation_statuses(p.org_id, p.first_day, p.last_day,
                                           pg_catalog.date_smaller(p.follow_up_day, p.today), p.label_language) x,
       sqm.label g
 WHERE g.kind OPERATOR(pg_catalog.=) 'regime_group' AND g.code OPERATOR(pg_catalog.=) x.regime_group
 ORDER BY p.org_id, p.first_day, p.last_day DESC, g.ord,
          (SELECT l.ord FROM sqm.label l WHERE l.kind OPERATOR(pg_catalog.=) 'deviation_status' AND l.code OPERATOR(pg_catalog.=) x.status);

CREATE VIEW sqm.stat_deviation_status_total WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       x.regime_group,
       (CASE WHEN p.label_language OPERATOR(pg_catalog.=) 'en' THEN g.label_en ELSE g.label_sv END) AS regime_group_label,
       p.follow_up_day, pg_catalog.date_smaller(p.follow_up_day, p.today) AS status_on,
       x.cases, x.counted_in_several_rows, x.cases_in_several_rows, x.cases_in_no_row
  FROM sqm.stat_period p,
       LATERAL sqm.stat_deviation_statuses_total(p.org_id, p.first_day, p.last_day) x,
       sqm.label g
 WHERE g.kind OPERATOR(pg_catalog.=) 'regime_group' AND g.code OPERATOR(pg_catalog.=) x.regime_group
 ORDER BY p.org_id, p.first_day, p.last_day DESC, g.ord;

CREATE VIEW sqm.stat_deviation_open_longest WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       g.code AS regime_group,
       (CASE WHEN p.label_language OPERATOR(pg_catalog.=) 'en' THEN g.label_en ELSE g.label_sv END) AS regime_group_label,
       p.follow_up_day, pg_catalog.date_smaller(p.follow_up_day, p.today) AS status_on,
       x.rank, x.deviation_id, x.unit_id, x.unit_name COLLATE sqm.swedish AS unit_name, x.reported_on, x.days_open,
       x.escalated,
       x.status, x.label COLLATE sqm.swedish AS label, x.label_sv COLLATE sqm.swedish AS label_sv,
       x.label_en COLLATE sqm.swedish AS label_en
  FROM sqm.stat_period p,
       sqm.label g,
       LATERAL sqm.stat_deviation_open(p.org_id, p.last_day, pg_catalog.date_smaller(p.follow_up_day, p.today),
                                       g.code, p.label_language) x
 WHERE g.kind OPERATOR(pg_catalog.=) 'regime_group'
 ORDER BY p.org_id, p.first_day, p.last_day DESC, g.ord, x.rank;

CREATE VIEW sqm.stat_deviation_collaboration WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       x.collab_direction, x.label COLLATE sqm.swedish AS label, x.label_sv COLLATE sqm.swedish AS label_sv,
       x.label_en COLLATE sqm.swedish AS label_en, x.cases
  FROM sqm.stat_period p,
       LATERAL sqm.stat_deviation_directions(p.org_id, p.first_day, p.last_day, p.label_language) x
 ORDER BY p.org_id, p.first_day, p.last_day DESC, x.collab_direction;

CREATE VIEW sqm.stat_deviation_collaboration_total WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       x.cases, x.counted_in_several_rows, x.cases_in_several_rows, x.cases_in_no_row
  FROM sqm.stat_period p,
       -- the period's collaboration reports: their own index range (the statuses'
       -- total reads every regime group's)
       LATERAL sqm.stat_deviation_units_total(p.org_id, p.first_day, p.last_day, NULL, NULL, 'collaboration') x
 ORDER BY p.org_id, p.first_day, p.last_day DESC;

-- Comments, classes, grants and titles (sqm.register_stat_view).
SELECT sqm.register_stat_view('sqm.stat_deviation_summary', 'deviation',
  'Avvikelser per år', 'Deviations per year',
  'Deviation reports per period and regime group (the multi-year totals: period_kind year), and how many were escalated to lex Sarah. A report counts in the period of its report date (organisation''s time zone); withdrawn and reclassified reports are not counted',
  columns => '{"reports": "Deviation reports in the period (by report date)"}');
SELECT sqm.register_stat_view('sqm.stat_deviation_per_unit_total', 'deviation',
  'Avvikelser per enhet, totalt', 'Deviations per unit, total',
  'The total of sqm.stat_deviation_per_unit: the deviation reports of the period and of the period before (each counts in one unit row, so counted_in_several_rows is 0)');
SELECT sqm.register_stat_view('sqm.stat_deviation_per_unit', 'deviation',
  'Avvikelser per enhet', 'Deviations per unit',
  'Deviation reports per unit, period (by report date), regime group and attribution, beside the period before: a row for every unit of kind unit that existed in the period (0 where it had none) and for every unit with reports in either period; cases NULL where the unit did not exist (published as "–"). Totals: sqm.stat_deviation_per_unit_total',
  total => 'sqm.stat_deviation_per_unit_total');
SELECT sqm.register_stat_view('sqm.stat_deviation_per_type_total', 'deviation',
  'Avvikelsetyper, totalt', 'Deviation types, total',
  'The total of sqm.stat_deviation_per_type: the reports of the period, and how many more times they count because a report can carry several types (sum of the per-type cases = cases + counted_in_several_rows)');
SELECT sqm.register_stat_view('sqm.stat_deviation_per_type', 'deviation',
  'Avvikelsetyper', 'Deviation types',
  'Deviation reports per type, period (by report date) and regime group: every type of the organisation''s taxonomy for the regime group valid on a day of the period (0 where none); a report with several types counts under each. Totals: sqm.stat_deviation_per_type_total',
  total => 'sqm.stat_deviation_per_type_total');
SELECT sqm.register_stat_view('sqm.stat_deviation_per_type_per_unit_total', 'deviation',
  'Avvikelsetyper per enhet, totalt', 'Deviation types per unit, total',
  'The total of sqm.stat_deviation_per_type_per_unit: the reports of the period, and how many more times they count because of several types');
SELECT sqm.register_stat_view('sqm.stat_deviation_per_type_per_unit', 'deviation',
  'Avvikelsetyper per enhet', 'Deviation types per unit',
  'Deviation reports per unit and type, period (by report date), regime group and attribution, where there are any; department_id and department_name sum them per department. A report with several types counts under each. Totals: sqm.stat_deviation_per_type_per_unit_total',
  total => 'sqm.stat_deviation_per_type_per_unit_total');
SELECT sqm.register_stat_view('sqm.stat_deviation_status_total', 'deviation',
  'Status vid uppföljningen, totalt', 'Status at the follow-up, total',
  'The total of sqm.stat_deviation_status: the reports of the period, each in one status');
SELECT sqm.register_stat_view('sqm.stat_deviation_status', 'deviation',
  'Status vid uppföljningen', 'Status at the follow-up',
  'Status of the period''s deviation reports (by report date) on status_on, the follow-up day (the last day of the month after the period) or today while that is to come: closed, investigation ongoing, or investigated with measures not yet carried out and followed up (not closed). Another day: sqm.deviation_status_at. Totals: sqm.stat_deviation_status_total',
  total => 'sqm.stat_deviation_status_total',
  columns => '{"status": "closed (closed by status_on), investigated (the investigation summary recorded by then, not closed) or investigating (neither)"}');
SELECT sqm.register_stat_view('sqm.stat_deviation_open_longest', 'deviation',
  'Avvikelser öppna längst', 'Deviations open longest',
  'The deviation reports reported by the end of the period (in it or before) and still open on status_on (the follow-up day, or today while that is to come), longest open first: filter rank <= 5 for the five open longest. Another day: sqm.deviations_open_longest',
  columns => '{"rank": "1 for the report open longest (earliest report date), 2 for the next …",
               "deviation_id": {"comment": "The deviation report (sqm.deviation.id)", "class": "internal"},
               "days_open": "Days from the report date to status_on",
               "escalated": "Whether it had been escalated to lex Sarah by status_on",
               "status": "investigated (the investigation summary recorded by status_on) or investigating"}');
SELECT sqm.register_stat_view('sqm.stat_deviation_collaboration_total', 'deviation',
  'Avvikelser i samverkan, totalt', 'Collaboration deviations, total',
  'The total of sqm.stat_deviation_collaboration: the collaboration deviations of the period');
SELECT sqm.register_stat_view('sqm.stat_deviation_collaboration', 'deviation',
  'Avvikelser i samverkan per riktning', 'Collaboration deviations by direction',
  'Collaboration deviations (regime collaboration) per period (by report date) and direction: received from the other organisation, or sent to it. Totals: sqm.stat_deviation_collaboration_total',
  total => 'sqm.stat_deviation_collaboration_total',
  columns => '{"collab_direction": "received (from the other organisation) or sent (to it)"}');

-- ---------------------------------------------------------------------------
-- Functions for what a view cannot take: any period (its previous period
-- beside it), a language, another follow-up day.  Each returns the rows of
-- its view for that period.  An organisation that does not exist or that
-- the caller is no member of is refused alike (42704); an unknown regime
-- group, attribution or language with 22023.

CREATE FUNCTION sqm.deviations_per_unit(org bigint, period sqm.period, attribution text DEFAULT 'today',
                                        regime_group text DEFAULT 'SoL/LSS', lang text DEFAULT NULL)
RETURNS SETOF sqm.stat_deviation_per_unit
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
    l  text;
BEGIN
    PERFORM sqm.stat_check(deviations_per_unit.period, deviations_per_unit.attribution);
    l := sqm.stat_language(org, lang);
    PERFORM sqm.deviation_check_regime_group(deviations_per_unit.regime_group);
    RETURN QUERY
    SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
           deviations_per_unit.regime_group, sqm.label_of('regime_group', deviations_per_unit.regime_group, l),
           deviations_per_unit.attribution, sqm.label_of('attribution', deviations_per_unit.attribution, l),
           x.unit_id, x.unit_kind, x.unit_kind_label, x.unit_name, x.unit_label, x.parent_id, x.parent_name,
           x.department_id, x.department_name, x.unit_valid_from, x.unit_valid_until,
           x.unit_existed, x.cases, x.unit_existed_previous, x.previous_cases
      FROM sqm.stat_period_of(org, deviations_per_unit.period) p
     CROSS JOIN LATERAL sqm.stat_deviation_units(p.org_id, p.first_day, p.last_day, p.previous_first_day,
                                                 p.previous_last_day, p.today, l) x
     WHERE x.regime_group OPERATOR(pg_catalog.=) deviations_per_unit.regime_group
       AND x.attribution OPERATOR(pg_catalog.=) deviations_per_unit.attribution
     ORDER BY sqm.unit_kind_rank(x.unit_kind) DESC, x.unit_label;
END
$$;
COMMENT ON FUNCTION sqm.deviations_per_unit(bigint, sqm.period, text, text, text) IS
  'The rows of sqm.stat_deviation_per_unit for any period (beside the one before it), attribution (today, as_it_was), regime group and label language';

CREATE FUNCTION sqm.deviations_per_type(org bigint, period sqm.period, regime_group text DEFAULT 'SoL/LSS',
                                        lang text DEFAULT NULL)
RETURNS SETOF sqm.stat_deviation_per_type
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
    l  text;
BEGIN
    PERFORM sqm.stat_check(deviations_per_type.period);
    l := sqm.stat_language(org, lang);
    PERFORM sqm.deviation_check_regime_group(deviations_per_type.regime_group);
    RETURN QUERY
    SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
           deviations_per_type.regime_group, sqm.label_of('regime_group', deviations_per_type.regime_group, l),
           x.type_code, x.label, x.label_sv, x.label_en, x.cases
      FROM sqm.stat_period_of(org, deviations_per_type.period) p
     CROSS JOIN LATERAL sqm.stat_deviation_types(p.org_id, p.first_day, p.last_day, l) x
     WHERE x.regime_group OPERATOR(pg_catalog.=) deviations_per_type.regime_group
     ORDER BY x.cases DESC, x.label;
END
$$;
COMMENT ON FUNCTION sqm.deviations_per_type(bigint, sqm.period, text, text) IS
  'The rows of sqm.stat_deviation_per_type for any period, regime group and label language (a report with several types counts under each)';

CREATE FUNCTION sqm.deviation_status_at(org bigint, period sqm.period, follow_up date,
                                        regime_group text DEFAULT 'SoL/LSS', lang text DEFAULT NULL)
RETURNS SETOF sqm.stat_deviation_status
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
    l  text;
BEGIN
    PERFORM sqm.stat_check(deviation_status_at.period);
    l := sqm.stat_language(org, lang);
    PERFORM sqm.deviation_check_regime_group(deviation_status_at.regime_group);
    IF follow_up IS NULL THEN
        RAISE EXCEPTION 'the status of the deviation reports of % needs a follow-up day', deviation_status_at.period
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'sqm.stat_deviation_status has the status on each period''s follow-up day.';
    END IF;
    RETURN QUERY
    SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
           deviation_status_at.regime_group, sqm.label_of('regime_group', deviation_status_at.regime_group, l),
           follow_up, follow_up, x.status, x.label, x.label_sv, x.label_en, x.cases
      FROM sqm.stat_period_of(org, deviation_status_at.period) p
     CROSS JOIN LATERAL sqm.stat_deviation_statuses(p.org_id, p.first_day, p.last_day, follow_up, l) x
     WHERE x.regime_group OPERATOR(pg_catalog.=) deviation_status_at.regime_group
     ORDER BY (SELECT l.ord FROM sqm.label l WHERE l.kind OPERATOR(pg_catalog.=) 'deviation_status' AND l.code OPERATOR(pg_catalog.=) x.status);
END
$$;
COMMENT ON FUNCTION sqm.deviation_status_at(bigint, sqm.period, date, text, text) IS
  'The rows of sqm.stat_deviation_status for any period and follow-up day: closed, investigation ongoing, or investigated with measures not yet carried out and followed up';

CREATE FUNCTION sqm.deviations_open_longest(org bigint, period sqm.period, at date DEFAULT NULL, how_many integer DEFAULT 5,
                                            regime_group text DEFAULT 'SoL/LSS', lang text DEFAULT NULL)
RETURNS SETOF sqm.stat_deviation_open_longest
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
    l  text;
BEGIN
    PERFORM sqm.stat_check(deviations_open_longest.period);
    l := sqm.stat_language(org, lang);
    PERFORM sqm.deviation_check_regime_group(deviations_open_longest.regime_group);
    RETURN QUERY
    SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
           deviations_open_longest.regime_group, sqm.label_of('regime_group', deviations_open_longest.regime_group, l),
           p.follow_up_day, coalesce(at, date_smaller(p.follow_up_day, p.today)),
           x.rank, x.deviation_id, x.unit_id, x.unit_name, x.reported_on, x.days_open, x.escalated,
           x.status, x.label, x.label_sv, x.label_en
      FROM sqm.stat_period_of(org, deviations_open_longest.period) p
     CROSS JOIN LATERAL sqm.stat_deviation_open(p.org_id, p.last_day, coalesce(at, date_smaller(p.follow_up_day, p.today)),
                                                deviations_open_longest.regime_group, l) x
     WHERE how_many IS NULL OR x.rank <= how_many
     ORDER BY x.rank;
END
$$;
COMMENT ON FUNCTION sqm.deviations_open_longest(bigint, sqm.period, date, integer, text, text) IS
  'The rows of sqm.stat_deviation_open_longest for any period and day (default: the follow-up day), the first how_many (NULL: all)';

-- ---------------------------------------------------------------------------
-- Privileges: the views through sqm.register_stat_view; the functions the
-- views call run as their reader, so the readers may call them.

REVOKE ALL ON FUNCTION
    sqm.deviation_regimes(text), sqm.deviation_type_regime(text), sqm.deviation_regime_group(text),
    sqm.deviation_check_regime_group(text),
    sqm.stat_deviation_units(bigint, date, date, date, date, date, text),
    sqm.stat_deviation_units_total(bigint, date, date, date, date, text),
    sqm.stat_deviation_types(bigint, date, date, text),
    sqm.stat_deviation_types_total(bigint, date, date),
    sqm.stat_deviation_unit_types(bigint, date, date, date, text),
    sqm.stat_deviation_statuses(bigint, date, date, date, text),
    sqm.stat_deviation_statuses_total(bigint, date, date),
    sqm.stat_deviation_open(bigint, date, date, text, text),
    sqm.stat_deviation_directions(bigint, date, date, text),
    sqm.stat_deviation_summary_of(bigint, date, date),
    sqm.deviations_per_unit(bigint, sqm.period, text, text, text),
    sqm.deviations_per_type(bigint, sqm.period, text, text),
    sqm.deviation_status_at(bigint, sqm.period, date, text, text),
    sqm.deviations_open_longest(bigint, sqm.period, date, integer, text, text)
FROM PUBLIC;
SELECT sqm.grant_privilege('deviation', 'EXECUTE ON FUNCTION
    sqm.deviation_regimes(text), sqm.deviation_type_regime(text), sqm.deviation_regime_group(text),
    sqm.deviation_check_regime_group(text),
    sqm.stat_deviation_units(bigint, date, date, date, date, date, text),
    sqm.stat_deviation_units_total(bigint, date, date, date, date, text),
    sqm.stat_deviation_types(bigint, date, date, text),
    sqm.stat_deviation_types_total(bigint, date, date),
    sqm.stat_deviation_unit_types(bigint, date, date, date, text),
    sqm.stat_deviation_statuses(bigint, date, date, date, text),
    sqm.stat_deviation_statuses_total(bigint, date, date),
    sqm.stat_deviation_open(bigint, date, date, text, text),
    sqm.stat_deviation_directions(bigint, date, date, text),
    sqm.stat_deviation_summary_of(bigint, date, date),
    sqm.deviations_per_unit(bigint, sqm.period, text, text, text),
    sqm.deviations_per_type(bigint, sqm.period, text, text),
    sqm.deviation_status_at(bigint, sqm.period, date, text, text),
    sqm.deviations_open_longest(bigint, sqm.period, date, integer, text, text)', '{readers}');

-- ---------------------------------------------------------------------------
-- The deviation chapter of the quality report (doc/report.md): its sections,
-- each a table of one of the views above with the period before beside it,
-- and its chart.  The report code reads them from sqm.report_section.

SELECT sqm.register_report_chapter('deviation', 10, 'Avvikelser', 'Deviations',
  'En avvikelse är en händelse där verksamheten inte följde ett beslut, en lag, en föreskrift eller sina egna rutiner. Avvikelser enligt SoL och LSS räknas efter rapportdatum, i organisationens tidszon; avvikelser inom hälso- och sjukvården (HSL) och i samverkan med andra huvudmän redovisas för sig. Återtagna och omklassificerade rapporter räknas inte.',
  'A deviation is an event where the organisation did not follow a decision, the law, a regulation or its own routines. Deviations under SoL and LSS are counted by report date, in the organisation''s time zone; deviations in health care (HSL) and in collaboration with other organisations are shown apart. Withdrawn and reclassified reports are not counted.',
  builtin => true);

SELECT sqm.register_report_section('deviation_per_year', 'deviation', 10,
  'Avvikelser per år', 'Deviations per year',
  'sqm.stat_deviation_summary', 'period', 'År', 'Year',
  '[{"column": "reports", "label_sv": "Avvikelser", "label_en": "Deviations"},
    {"column": "escalated_to_lex_sarah", "label_sv": "Varav utredda enligt lex Sarah", "label_en": "Of which investigated under lex Sarah"}]',
  view_filter => '{"regime_group": "SoL/LSS"}', layout => 'years', chart => 'line',
  axis_label_sv => 'Antal per år', axis_label_en => 'Number per year',
  builtin => true);

SELECT sqm.register_report_section('deviation_per_unit', 'deviation', 20,
  'Avvikelser per enhet {period} och {previous_period}', 'Deviations per unit, {period} and {previous_period}',
  'sqm.stat_deviation_per_unit', 'unit_label', 'Enhet', 'Unit',
  '[{"column": "cases", "label_sv": "{period}", "label_en": "{period}", "previous": "previous_cases"}]',
  view_filter => '{"regime_group": "SoL/LSS", "attribution": "today"}', keys => '{unit_id}',
  chart => 'bar_pair', axis_label_sv => 'Antal rapporter', axis_label_en => 'Number of reports', per_department => true,
  notes_sv => '{"Rapporterna räknas under den enhet som har ansvaret i dag: en enhet som slagits samman med en annan har sina tidigare rapporter där. En enhet som inte fanns ett år visas med – det året."}',
  notes_en => '{"Reports count under the unit responsible today: a unit merged into another has its earlier reports there. A unit that did not exist in a year shows – for that year."}',
  builtin => true);

SELECT sqm.register_report_section('deviation_per_type', 'deviation', 30,
  'Avvikelser per typ {period} och {previous_period}', 'Deviations per type, {period} and {previous_period}',
  'sqm.stat_deviation_per_type', 'label', 'Typ', 'Type',
  '[{"column": "cases", "label_sv": "{period}", "label_en": "{period}", "previous": true}]',
  view_filter => '{"regime_group": "SoL/LSS"}', keys => '{type_code}', chart => 'hbar',
  axis_label_sv => 'Antal rapporter', axis_label_en => 'Number of reports', hide_empty => true,
  notes_sv => '{"En typ som inte fanns i organisationens typindelning ett år visas med – det året."}',
  notes_en => '{"A type that was not in the organisation''s taxonomy in a year shows – for that year."}',
  several_sv => 'En avvikelse kan ha flera typer: typerna {period} summerar till {sum} för {cases} avvikelser ({several} med mer än en typ).',
  several_en => 'A deviation can have several types: the types of {period} sum to {sum} for {cases} deviations ({several} with more than one type).',
  builtin => true);

SELECT sqm.register_report_section('deviation_status', 'deviation', 40,
  'Status vid uppföljningen för avvikelser rapporterade {period} och {previous_period}',
  'Status at the follow-up of the deviations reported in {period} and {previous_period}',
  'sqm.stat_deviation_status', 'label', 'Status', 'Status',
  '[{"column": "cases", "label_sv": "{period}", "label_en": "{period}", "previous": true}]',
  view_filter => '{"regime_group": "SoL/LSS"}', keys => '{status}',
  text_sv => 'Varje års avvikelser följs upp den sista dagen i månaden efter året (eller i dag, om den dagen inte har kommit). En avvikelse är avslutad när utredningen är sammanfattad och varje åtgärd är genomförd och utvärderad, eller när det är motiverat att ingen åtgärd behövs.',
  text_en => 'Each year''s deviations are followed up on the last day of the month after the year (or today, if that day has not come). A deviation is closed when its investigation is summarised and every measure has been carried out and evaluated, or when it is justified that no measure is needed.',
  builtin => true);

SELECT sqm.register_report_section('deviation_open_longest', 'deviation', 50,
  'De avvikelser som varit öppna längst vid uppföljningen av {period}', 'The deviations open longest at the follow-up of {period}',
  'sqm.stat_deviation_open_longest', 'unit_name', 'Enhet', 'Unit',
  '[{"column": "reported_on", "label_sv": "Rapporterad", "label_en": "Reported"},
    {"column": "days_open", "label_sv": "Dagar öppen", "label_en": "Days open"},
    {"column": "label", "label_sv": "Status", "label_en": "Status"},
    {"column": "escalated", "label_sv": "Utreds enligt lex Sarah", "label_en": "Investigated under lex Sarah"}]',
  view_filter => '{"regime_group": "SoL/LSS"}', layout => 'list', total => false, max_rows => 5,
  builtin => true);

SELECT sqm.register_report_section('deviation_hsl', 'deviation', 60,
  'Avvikelser inom hälso- och sjukvården (HSL) per typ {period} och {previous_period}',
  'Deviations in health care (HSL) per type, {period} and {previous_period}',
  'sqm.stat_deviation_per_type', 'label', 'Händelse', 'Event',
  '[{"column": "cases", "label_sv": "{period}", "label_en": "{period}", "previous": true}]',
  view_filter => '{"regime_group": "HSL"}', keys => '{type_code}', chart => 'bar_pair',
  axis_label_sv => 'Antal rapporter', axis_label_en => 'Number of reports', hide_empty => true,
  text_sv => 'Avvikelser enligt hälso- och sjukvårdslagen i förvaltningens egna verksamheter: fall, med eller utan skada, och läkemedel som missats, getts sent eller saknats.',
  text_en => 'Deviations under the Health and Medical Services Act in the administration''s own units: falls, with or without injury, and medication missed, late or missing.',
  several_sv => 'En avvikelse kan ha flera typer: typerna {period} summerar till {sum} för {cases} avvikelser.',
  several_en => 'A deviation can have several types: the types of {period} sum to {sum} for {cases} deviations.',
  builtin => true);

SELECT sqm.register_report_section('deviation_collaboration', 'deviation', 70,
  'Avvikelser i samverkan med andra huvudmän {period} och {previous_period}',
  'Deviations in collaboration with other organisations, {period} and {previous_period}',
  'sqm.stat_deviation_collaboration', 'label', 'Riktning', 'Direction',
  '[{"column": "cases", "label_sv": "{period}", "label_en": "{period}", "previous": true}]',
  keys => '{collab_direction}',
  text_sv => 'Avvikelser som mottagits från eller skickats till en annan huvudman, till exempel regionens hälso- och sjukvård.',
  text_en => 'Deviations received from or sent to another organisation, for example the region''s health care.',
  builtin => true);
