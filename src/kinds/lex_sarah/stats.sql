-- Statistics of lex Sarah (domain.md §3.2, §6): the lex Sarah tables of the
-- yearly quality report as views a BI tool can browse (doc/statistics.md),
-- from the same rows the API writes.
--
-- An investigation counts in the period it was completed — an early close:
-- when it closed — in the organisation's time zone
-- (sqm.lex_sarah_investigation.completed_on, kept by sqm.count_days below).
-- That is neither the number of reports received nor of investigations
-- started; both are in sqm.stat_lex_sarah_summary.  Per unit, an
-- investigation counts once for each unit whose reports it covers; the total
-- view counts it once and says how many more times the unit rows count it
-- (counted_in_several_rows: the published "21 against 20").  No personal
-- data, free text, exact time or registry number; views are
-- security_invoker, functions SECURITY INVOKER.
--
-- As for deviations (src/kinds/deviation/stats.sql), each table is a
-- set-returning PL/pgSQL function of an organisation and a period's first and last
-- day; the views apply it to the periods of sqm.stat_period, the functions
-- for parameters to any period.

-- ---------------------------------------------------------------------------
-- A period's cases are an index range on the days kept on their rows
-- (sqm.count_days, kind.sql).

CREATE INDEX lex_sarah_report_reported_on_idx ON sqm.lex_sarah_report (org_id, reported_on);
CREATE INDEX lex_sarah_investigation_completed_on_idx ON sqm.lex_sarah_investigation (org_id, completed_on);
CREATE INDEX lex_sarah_investigation_opened_on_idx ON sqm.lex_sarah_investigation (org_id, opened_on);
CREATE INDEX ivo_notification_sent_on_idx ON sqm.ivo_notification (org_id, sent_on);
CREATE INDEX ivo_notification_investigation_idx ON sqm.ivo_notification (org_id, investigation_id);
CREATE INDEX ivo_answer_notification_idx ON sqm.ivo_answer (org_id, notification_id);

-- ---------------------------------------------------------------------------
-- Codes and column names.

INSERT INTO sqm.label (kind, code, label_sv, label_en, ord, builtin) VALUES
    ('lex_sarah_outcome', 'no_impropriety', 'inget missförhållande', 'no impropriety', 1, true),
    ('lex_sarah_outcome', 'risk_of_impropriety', 'påtaglig risk för missförhållande', 'tangible risk of impropriety', 2, true),
    ('lex_sarah_outcome', 'impropriety', 'missförhållande', 'impropriety', 3, true),
    ('lex_sarah_outcome', 'risk_of_serious_impropriety', 'påtaglig risk för allvarligt missförhållande',
     'tangible risk of serious impropriety', 4, true),
    ('lex_sarah_outcome', 'serious_impropriety', 'allvarligt missförhållande', 'serious impropriety', 5, true),
    ('ivo_answer', 'closed_no_action', 'avslutat utan vidare åtgärd', 'closed without further action', 1, true),
    ('ivo_answer', 'closed_after_supplement', 'avslutat utan vidare åtgärd efter komplettering',
     'closed without further action after supplementary information', 2, true),
    ('ivo_answer', 'supplement_requested', 'komplettering begärd', 'supplementary information requested', 3, true),
    ('ivo_answer', 'criticism', 'kritik', 'criticism', 4, true),
    ('ivo_answer', 'other_decision', 'annat beslut', 'other decision', 5, true),
    ('ivo_answer', 'awaiting', 'inget svar ännu', 'no answer yet', 6, true);

INSERT INTO sqm.stat_column (column_name, class, comment, builtin) VALUES
    ('outcome', 'statistic',
     'The outcome of the investigation, by severity: no_impropriety, risk_of_impropriety, impropriety, risk_of_serious_impropriety, serious_impropriety (the last two are serious: notified to IVO)', true),
    ('theme', 'statistic', 'The theme of the deficiencies found (sqm.lex_sarah_theme.code of the organisation''s taxonomy)', true),
    ('answer', 'statistic',
     'IVO''s latest answer to the notification: closed_no_action, closed_after_supplement (closed without further action after asking for supplementary information), supplement_requested, criticism, other_decision, or awaiting (none yet)', true),
    ('notified_to_ivo', 'statistic', 'How many of the investigations were notified to IVO (a sent notification)', true),
    ('reports_received', 'statistic', 'Lex Sarah reports made in the period (by report date)', true),
    ('investigations_started', 'statistic', 'Lex Sarah investigations opened in the period', true),
    ('investigations_completed', 'statistic',
     'Lex Sarah investigations completed in the period (an early close: closed) — the published figure', true);

-- ---------------------------------------------------------------------------
-- The tables, as functions of a period.

-- Investigations completed per unit of their reports, beside the period
-- before, for both attributions at once: every unit of kind unit that
-- existed in the period (zero where it had none) and every unit with
-- investigations in either period.  An investigation counts once for each
-- unit (after attribution) whose reports it covers.  The period's
-- investigations are read once and the units once per attribution: a call
-- per attribution, each with its own sqm.stat_units, read them twice (issue 15).
CREATE FUNCTION sqm.stat_lex_sarah_units(org bigint, first_day date, last_day date, previous_first date, previous_last date,
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
        ), covered AS MATERIALIZED (
            SELECT i.id, i.completed_on, r.unit_id, coalesce(m.attributed_to, r.unit_id) AS today_unit_id
              FROM sqm.lex_sarah_investigation i
              JOIN sqm.lex_sarah_report r ON r.org_id OPERATOR(pg_catalog.=) i.org_id
                                         AND r.investigation_id OPERATOR(pg_catalog.=) i.id
              LEFT JOIN m ON m.unit_id OPERATOR(pg_catalog.=) r.unit_id AND m.days OPERATOR(pg_catalog.@>) i.completed_on
             WHERE i.org_id OPERATOR(pg_catalog.=) org
               AND i.completed_on OPERATOR(pg_catalog.>=) coalesce(previous_first, first_day)
               AND i.completed_on OPERATOR(pg_catalog.<=) last_day
        ), attributed AS (
            SELECT DISTINCT 'today'::text AS attribution, x.id, x.completed_on, x.today_unit_id AS unit_id FROM covered x
            UNION ALL
            SELECT DISTINCT 'as_it_was'::text, x.id, x.completed_on, x.unit_id FROM covered x
        ), counted AS (
            SELECT a.attribution, a.unit_id,
                   pg_catalog.count(*) FILTER (WHERE a.completed_on OPERATOR(pg_catalog.>=) first_day) AS cur,
                   pg_catalog.count(*) FILTER (WHERE a.completed_on OPERATOR(pg_catalog.<=) previous_last) AS prv
              FROM attributed a GROUP BY a.attribution, a.unit_id
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
COMMENT ON FUNCTION sqm.stat_lex_sarah_units(bigint, date, date, date, date, date, text) IS
  'Lex Sarah investigations completed in a period per unit of their reports, beside the period before, for both attributions (sqm.stat_lex_sarah_per_unit)';

-- The total of the units: investigations completed, once each, and how many
-- more times the unit rows count them, for both attributions at once (the
-- investigations read once; issue 15).  A row per attribution even for a
-- period without investigations.
CREATE FUNCTION sqm.stat_lex_sarah_units_total(org bigint, first_day date, last_day date, previous_first date,
                                               previous_last date, today date)
RETURNS TABLE (attribution text, cases integer, counted_in_several_rows integer, cases_in_several_rows integer,
               cases_in_no_row integer, previous_cases integer, previous_counted_in_several_rows integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 2
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
        ), per_case AS MATERIALIZED (
            -- the units of an investigation's reports under each attribution
            SELECT i.id, i.completed_on OPERATOR(pg_catalog.>=) first_day AS cur,
                   pg_catalog.count(DISTINCT coalesce(m.attributed_to, r.unit_id)) AS today_units,
                   pg_catalog.count(DISTINCT r.unit_id) AS as_it_was_units
              FROM sqm.lex_sarah_investigation i
              LEFT JOIN sqm.lex_sarah_report r ON r.org_id OPERATOR(pg_catalog.=) i.org_id
                                              AND r.investigation_id OPERATOR(pg_catalog.=) i.id
              LEFT JOIN m ON m.unit_id OPERATOR(pg_catalog.=) r.unit_id AND m.days OPERATOR(pg_catalog.@>) i.completed_on
             WHERE i.org_id OPERATOR(pg_catalog.=) org
               AND i.completed_on OPERATOR(pg_catalog.>=) coalesce(previous_first, first_day)
               AND i.completed_on OPERATOR(pg_catalog.<=) last_day
             GROUP BY i.id, i.completed_on
        )
        SELECT 'today'::text AS attribution,
               pg_catalog.count(*) FILTER (WHERE p.cur AND p.today_units OPERATOR(pg_catalog.>) 0)::integer,
               coalesce(pg_catalog.sum(p.today_units OPERATOR(pg_catalog.-) 1) FILTER (WHERE p.cur AND p.today_units OPERATOR(pg_catalog.>) 0), 0)::integer,
               pg_catalog.count(*) FILTER (WHERE p.cur AND p.today_units OPERATOR(pg_catalog.>) 1)::integer,
               pg_catalog.count(*) FILTER (WHERE p.cur AND p.today_units OPERATOR(pg_catalog.=) 0)::integer,
               CASE WHEN previous_first IS NOT NULL THEN
                    pg_catalog.count(*) FILTER (WHERE NOT p.cur AND p.today_units OPERATOR(pg_catalog.>) 0)::integer END,
               CASE WHEN previous_first IS NOT NULL THEN
                    coalesce(pg_catalog.sum(p.today_units OPERATOR(pg_catalog.-) 1) FILTER (WHERE NOT p.cur AND p.today_units OPERATOR(pg_catalog.>) 0), 0)::integer END
          FROM per_case p
        UNION ALL
        SELECT 'as_it_was'::text,
               pg_catalog.count(*) FILTER (WHERE p.cur AND p.as_it_was_units OPERATOR(pg_catalog.>) 0)::integer,
               coalesce(pg_catalog.sum(p.as_it_was_units OPERATOR(pg_catalog.-) 1) FILTER (WHERE p.cur AND p.as_it_was_units OPERATOR(pg_catalog.>) 0), 0)::integer,
               pg_catalog.count(*) FILTER (WHERE p.cur AND p.as_it_was_units OPERATOR(pg_catalog.>) 1)::integer,
               pg_catalog.count(*) FILTER (WHERE p.cur AND p.as_it_was_units OPERATOR(pg_catalog.=) 0)::integer,
               CASE WHEN previous_first IS NOT NULL THEN
                    pg_catalog.count(*) FILTER (WHERE NOT p.cur AND p.as_it_was_units OPERATOR(pg_catalog.>) 0)::integer END,
               CASE WHEN previous_first IS NOT NULL THEN
                    coalesce(pg_catalog.sum(p.as_it_was_units OPERATOR(pg_catalog.-) 1) FILTER (WHERE NOT p.cur AND p.as_it_was_units OPERATOR(pg_catalog.>) 0), 0)::integer END
          FROM per_case p;
END
$$;
COMMENT ON FUNCTION sqm.stat_lex_sarah_units_total(bigint, date, date, date, date, date) IS
  'The total of sqm.stat_lex_sarah_units for both attributions: investigations completed in the period (and the one before), each once, and how many more times the unit rows count them';

-- Outcomes of the investigations completed in a period, in order of
-- severity, with how many were notified to IVO.
CREATE FUNCTION sqm.stat_lex_sarah_outcomes(org bigint, first_day date, last_day date, lang text)
RETURNS TABLE (outcome text, label text, label_sv text, label_en text, cases integer, notified_to_ivo integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 5
SET search_path = pg_catalog, pg_temp
SET jit = off
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
        WITH done AS (
            SELECT i.outcome::text AS outcome,
                   EXISTS (SELECT FROM sqm.ivo_notification n
                            WHERE n.org_id OPERATOR(pg_catalog.=) i.org_id AND n.investigation_id OPERATOR(pg_catalog.=) i.id
                              AND n.state OPERATOR(pg_catalog.=) 'sent') AS notified
              FROM sqm.lex_sarah_investigation i
             WHERE i.org_id OPERATOR(pg_catalog.=) org
               AND i.completed_on OPERATOR(pg_catalog.>=) first_day AND i.completed_on OPERATOR(pg_catalog.<=) last_day
        )
        SELECT l.code, CASE WHEN lang OPERATOR(pg_catalog.=) 'en' THEN l.label_en ELSE l.label_sv END, l.label_sv, l.label_en,
               (SELECT pg_catalog.count(*) FROM done d WHERE d.outcome OPERATOR(pg_catalog.=) l.code)::integer,
               (SELECT pg_catalog.count(*) FROM done d WHERE d.outcome OPERATOR(pg_catalog.=) l.code AND d.notified)::integer
          FROM sqm.label l
         WHERE l.kind OPERATOR(pg_catalog.=) 'lex_sarah_outcome';
END
$$;
COMMENT ON FUNCTION sqm.stat_lex_sarah_outcomes(bigint, date, date, text) IS
  'Outcomes of the lex Sarah investigations completed in a period, with how many were notified to IVO (sqm.stat_lex_sarah_outcome)';

CREATE FUNCTION sqm.stat_lex_sarah_outcomes_total(org bigint, first_day date, last_day date)
RETURNS TABLE (cases integer, counted_in_several_rows integer, cases_in_several_rows integer, cases_in_no_row integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 1
SET search_path = pg_catalog, pg_temp
SET jit = off
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
        SELECT pg_catalog.count(i.outcome)::integer, 0, 0,
               (pg_catalog.count(*) OPERATOR(pg_catalog.-) pg_catalog.count(i.outcome))::integer
          FROM sqm.lex_sarah_investigation i
         WHERE i.org_id OPERATOR(pg_catalog.=) org
           AND i.completed_on OPERATOR(pg_catalog.>=) first_day AND i.completed_on OPERATOR(pg_catalog.<=) last_day;
END
$$;
COMMENT ON FUNCTION sqm.stat_lex_sarah_outcomes_total(bigint, date, date) IS
  'The total of sqm.stat_lex_sarah_outcomes: the investigations completed in the period, each under its one outcome';

-- Outcomes per unit of the reports: the combinations that have
-- investigations (an investigation counts once for each unit), for both
-- attributions at once (the investigations read once, the units once per
-- attribution; issue 15).
CREATE FUNCTION sqm.stat_lex_sarah_unit_outcomes(org bigint, first_day date, last_day date, today date, lang text)
RETURNS TABLE (attribution text, unit_id bigint, unit_kind text, unit_kind_label text, unit_name text, unit_label text,
               parent_id bigint, parent_name text, department_id bigint, department_name text, unit_valid_from date,
               unit_valid_until date, outcome text, label text, label_sv text, label_en text, cases integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 60
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
        ), covered AS MATERIALIZED (
            SELECT i.id, i.outcome::text AS outcome, r.unit_id, coalesce(m.attributed_to, r.unit_id) AS today_unit_id
              FROM sqm.lex_sarah_investigation i
              JOIN sqm.lex_sarah_report r ON r.org_id OPERATOR(pg_catalog.=) i.org_id
                                         AND r.investigation_id OPERATOR(pg_catalog.=) i.id
              LEFT JOIN m ON m.unit_id OPERATOR(pg_catalog.=) r.unit_id AND m.days OPERATOR(pg_catalog.@>) i.completed_on
             WHERE i.org_id OPERATOR(pg_catalog.=) org AND i.outcome IS NOT NULL
               AND i.completed_on OPERATOR(pg_catalog.>=) first_day AND i.completed_on OPERATOR(pg_catalog.<=) last_day
        ), attributed AS (
            SELECT DISTINCT 'today'::text AS attribution, x.id, x.outcome, x.today_unit_id AS unit_id FROM covered x
            UNION ALL
            SELECT DISTINCT 'as_it_was'::text, x.id, x.outcome, x.unit_id FROM covered x
        ), counted AS (
            SELECT a.attribution, a.unit_id, a.outcome, pg_catalog.count(*) AS n
              FROM attributed a GROUP BY a.attribution, a.unit_id, a.outcome
        ), units AS (
            SELECT 'today'::text AS attribution, u.*
              FROM sqm.stat_units(org, first_day, last_day, NULL, NULL, 'today', today, lang) u
            UNION ALL
            SELECT 'as_it_was'::text, u.*
              FROM sqm.stat_units(org, first_day, last_day, NULL, NULL, 'as_it_was', today, lang) u
        )
        SELECT c.attribution, u.unit_id, u.unit_kind, u.unit_kind_label, u.unit_name, u.unit_label, u.parent_id,
               u.parent_name, u.department_id, u.department_name, u.unit_valid_from, u.unit_valid_until,
               c.outcome, CASE WHEN lang OPERATOR(pg_catalog.=) 'en' THEN l.label_en ELSE l.label_sv END, l.label_sv, l.label_en,
               c.n::integer
          FROM counted c
          JOIN units u ON u.attribution OPERATOR(pg_catalog.=) c.attribution AND u.unit_id OPERATOR(pg_catalog.=) c.unit_id
          LEFT JOIN sqm.label l ON l.kind OPERATOR(pg_catalog.=) 'lex_sarah_outcome' AND l.code OPERATOR(pg_catalog.=) c.outcome;
END
$$;
COMMENT ON FUNCTION sqm.stat_lex_sarah_unit_outcomes(bigint, date, date, date, text) IS
  'Outcomes of the lex Sarah investigations completed in a period per unit of their reports, where there are any, for both attributions (sqm.stat_lex_sarah_outcome_per_unit)';

-- The total of the outcomes per unit, for both attributions at once (the
-- investigations read once; issue 15).
CREATE FUNCTION sqm.stat_lex_sarah_unit_outcomes_total(org bigint, first_day date, last_day date, today date)
RETURNS TABLE (attribution text, cases integer, counted_in_several_rows integer, cases_in_several_rows integer,
               cases_in_no_row integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 2
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
        ), per_case AS MATERIALIZED (
            -- the units of an investigation's reports under each attribution
            SELECT i.id, i.outcome IS NOT NULL AS has_outcome,
                   pg_catalog.count(DISTINCT coalesce(m.attributed_to, r.unit_id)) AS today_units,
                   pg_catalog.count(DISTINCT r.unit_id) AS as_it_was_units
              FROM sqm.lex_sarah_investigation i
              LEFT JOIN sqm.lex_sarah_report r ON r.org_id OPERATOR(pg_catalog.=) i.org_id
                                              AND r.investigation_id OPERATOR(pg_catalog.=) i.id
              LEFT JOIN m ON m.unit_id OPERATOR(pg_catalog.=) r.unit_id AND m.days OPERATOR(pg_catalog.@>) i.completed_on
             WHERE i.org_id OPERATOR(pg_catalog.=) org
               AND i.completed_on OPERATOR(pg_catalog.>=) first_day AND i.completed_on OPERATOR(pg_catalog.<=) last_day
             GROUP BY i.id, i.outcome
        )
        SELECT 'today'::text AS attribution,
               pg_catalog.count(*) FILTER (WHERE p.has_outcome AND p.today_units OPERATOR(pg_catalog.>) 0)::integer,
               coalesce(pg_catalog.sum(p.today_units OPERATOR(pg_catalog.-) 1) FILTER (WHERE p.has_outcome AND p.today_units OPERATOR(pg_catalog.>) 0), 0)::integer,
               pg_catalog.count(*) FILTER (WHERE p.has_outcome AND p.today_units OPERATOR(pg_catalog.>) 1)::integer,
               pg_catalog.count(*) FILTER (WHERE NOT p.has_outcome OR p.today_units OPERATOR(pg_catalog.=) 0)::integer
          FROM per_case p
        UNION ALL
        SELECT 'as_it_was'::text,
               pg_catalog.count(*) FILTER (WHERE p.has_outcome AND p.as_it_was_units OPERATOR(pg_catalog.>) 0)::integer,
               coalesce(pg_catalog.sum(p.as_it_was_units OPERATOR(pg_catalog.-) 1) FILTER (WHERE p.has_outcome AND p.as_it_was_units OPERATOR(pg_catalog.>) 0), 0)::integer,
               pg_catalog.count(*) FILTER (WHERE p.has_outcome AND p.as_it_was_units OPERATOR(pg_catalog.>) 1)::integer,
               pg_catalog.count(*) FILTER (WHERE NOT p.has_outcome OR p.as_it_was_units OPERATOR(pg_catalog.=) 0)::integer
          FROM per_case p;
END
$$;
COMMENT ON FUNCTION sqm.stat_lex_sarah_unit_outcomes_total(bigint, date, date, date) IS
  'The total of sqm.stat_lex_sarah_unit_outcomes for both attributions: investigations completed in the period, once each, and how many more times the unit rows count them';

-- Themes of the deficiencies the investigations completed in a period found:
-- every theme of the organisation's taxonomy valid on a day of the period (zero
-- where none); an investigation with several themes counts under each.
CREATE FUNCTION sqm.stat_lex_sarah_themes(org bigint, first_day date, last_day date, lang text)
RETURNS TABLE (theme text, label text, label_sv text, label_en text, cases integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 15
SET search_path = pg_catalog, pg_temp
SET jit = off
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
        WITH counted AS (
            SELECT t.code, pg_catalog.count(DISTINCT i.id) AS n
              FROM sqm.lex_sarah_investigation i CROSS JOIN LATERAL pg_catalog.unnest(i.themes) AS t(code)
             WHERE i.org_id OPERATOR(pg_catalog.=) org
               AND i.completed_on OPERATOR(pg_catalog.>=) first_day AND i.completed_on OPERATOR(pg_catalog.<=) last_day
             GROUP BY t.code
        )
        SELECT th.code,
               (CASE WHEN lang OPERATOR(pg_catalog.=) 'en' THEN th.label_en ELSE th.label_sv END) COLLATE sqm.swedish,
               th.label_sv COLLATE sqm.swedish, th.label_en COLLATE sqm.swedish,
               coalesce(c.n, 0)::integer
          FROM sqm.lex_sarah_theme th
          LEFT JOIN counted c ON c.code OPERATOR(pg_catalog.=) th.code
         WHERE th.org_id OPERATOR(pg_catalog.=) org
           AND (th.valid OPERATOR(pg_catalog.&&) pg_catalog.daterange(first_day, last_day, '[]') OR c.code IS NOT NULL);
END
$$;
COMMENT ON FUNCTION sqm.stat_lex_sarah_themes(bigint, date, date, text) IS
  'Themes of the deficiencies found by the lex Sarah investigations completed in a period (sqm.stat_lex_sarah_theme)';

CREATE FUNCTION sqm.stat_lex_sarah_themes_total(org bigint, first_day date, last_day date)
RETURNS TABLE (cases integer, counted_in_several_rows integer, cases_in_several_rows integer, cases_in_no_row integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 1
SET search_path = pg_catalog, pg_temp
SET jit = off
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
        WITH per_case AS (
            SELECT (SELECT pg_catalog.count(DISTINCT t.code) FROM pg_catalog.unnest(i.themes) AS t(code)) AS themes
              FROM sqm.lex_sarah_investigation i
             WHERE i.org_id OPERATOR(pg_catalog.=) org
               AND i.completed_on OPERATOR(pg_catalog.>=) first_day AND i.completed_on OPERATOR(pg_catalog.<=) last_day
        )
        SELECT pg_catalog.count(*) FILTER (WHERE p.themes OPERATOR(pg_catalog.>) 0)::integer,
               coalesce(pg_catalog.sum(p.themes OPERATOR(pg_catalog.-) 1) FILTER (WHERE p.themes OPERATOR(pg_catalog.>) 0), 0)::integer,
               pg_catalog.count(*) FILTER (WHERE p.themes OPERATOR(pg_catalog.>) 1)::integer,
               pg_catalog.count(*) FILTER (WHERE p.themes OPERATOR(pg_catalog.=) 0)::integer
          FROM per_case p;
END
$$;
COMMENT ON FUNCTION sqm.stat_lex_sarah_themes_total(bigint, date, date) IS
  'The total of sqm.stat_lex_sarah_themes: investigations completed in the period with a theme, how many more times they count because of several themes, and those without one';

-- IVO's answers to the notifications sent in a period: the latest answer of
-- each (by its day, then as recorded); closed without further action after a
-- request for supplementary information counts apart.
CREATE FUNCTION sqm.stat_ivo_answers(org bigint, first_day date, last_day date, lang text)
RETURNS TABLE (answer text, label text, label_sv text, label_en text, cases integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 6
SET search_path = pg_catalog, pg_temp
SET jit = off
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
        WITH notified AS (
            SELECT (SELECT a.answer FROM sqm.ivo_answer a
                     WHERE a.org_id OPERATOR(pg_catalog.=) n.org_id AND a.notification_id OPERATOR(pg_catalog.=) n.id
                     ORDER BY a.answered_on DESC, a.id DESC LIMIT 1) AS last_answer,
                   EXISTS (SELECT FROM sqm.ivo_answer a
                            WHERE a.org_id OPERATOR(pg_catalog.=) n.org_id AND a.notification_id OPERATOR(pg_catalog.=) n.id
                              AND a.answer OPERATOR(pg_catalog.=) 'supplement_requested') AS asked_more
              FROM sqm.ivo_notification n
             WHERE n.org_id OPERATOR(pg_catalog.=) org AND n.state OPERATOR(pg_catalog.=) 'sent'
               AND n.sent_on OPERATOR(pg_catalog.>=) first_day AND n.sent_on OPERATOR(pg_catalog.<=) last_day
        ), classified AS (
            SELECT CASE WHEN x.last_answer IS NULL THEN 'awaiting'
                        WHEN x.last_answer OPERATOR(pg_catalog.=) 'closed_no_action' AND x.asked_more THEN 'closed_after_supplement'
                        ELSE x.last_answer END AS answer
              FROM notified x
        )
        SELECT l.code, CASE WHEN lang OPERATOR(pg_catalog.=) 'en' THEN l.label_en ELSE l.label_sv END, l.label_sv, l.label_en,
               (SELECT pg_catalog.count(*) FROM classified c WHERE c.answer OPERATOR(pg_catalog.=) l.code)::integer
          FROM sqm.label l
         WHERE l.kind OPERATOR(pg_catalog.=) 'ivo_answer';
END
$$;
COMMENT ON FUNCTION sqm.stat_ivo_answers(bigint, date, date, text) IS
  'IVO''s answers to the notifications sent in a period (sqm.stat_ivo_answer)';

CREATE FUNCTION sqm.stat_ivo_answers_total(org bigint, first_day date, last_day date)
RETURNS TABLE (cases integer, counted_in_several_rows integer, cases_in_several_rows integer, cases_in_no_row integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 1
SET search_path = pg_catalog, pg_temp
SET jit = off
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
        SELECT pg_catalog.count(*)::integer, 0, 0, 0
          FROM sqm.ivo_notification n
         WHERE n.org_id OPERATOR(pg_catalog.=) org AND n.state OPERATOR(pg_catalog.=) 'sent'
           AND n.sent_on OPERATOR(pg_catalog.>=) first_day AND n.sent_on OPERATOR(pg_catalog.<=) last_day;
END
$$;
COMMENT ON FUNCTION sqm.stat_ivo_answers_total(bigint, date, date) IS
  'The total of sqm.stat_ivo_answers: the notifications sent to IVO in the period, each under one answer';

-- Reports received, investigations started and completed, and how many of
-- those were notified to IVO.
CREATE FUNCTION sqm.stat_lex_sarah_summary_of(org bigint, first_day date, last_day date)
RETURNS TABLE (reports_received integer, investigations_started integer, investigations_completed integer,
               notified_to_ivo integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 1
SET search_path = pg_catalog, pg_temp
SET jit = off
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
        SELECT (SELECT pg_catalog.count(*) FROM sqm.lex_sarah_report r
                 WHERE r.org_id OPERATOR(pg_catalog.=) org
                   AND r.reported_on OPERATOR(pg_catalog.>=) first_day AND r.reported_on OPERATOR(pg_catalog.<=) last_day)::integer,
               (SELECT pg_catalog.count(*) FROM sqm.lex_sarah_investigation i
                 WHERE i.org_id OPERATOR(pg_catalog.=) org
                   AND i.opened_on OPERATOR(pg_catalog.>=) first_day AND i.opened_on OPERATOR(pg_catalog.<=) last_day)::integer,
               (SELECT pg_catalog.count(*) FROM sqm.lex_sarah_investigation i
                 WHERE i.org_id OPERATOR(pg_catalog.=) org
                   AND i.completed_on OPERATOR(pg_catalog.>=) first_day AND i.completed_on OPERATOR(pg_catalog.<=) last_day)::integer,
               (SELECT pg_catalog.count(*) FROM sqm.lex_sarah_investigation i
                 WHERE i.org_id OPERATOR(pg_catalog.=) org
                   AND i.completed_on OPERATOR(pg_catalog.>=) first_day AND i.completed_on OPERATOR(pg_catalog.<=) last_day
                   AND EXISTS (SELECT FROM sqm.ivo_notification n
                                WHERE n.org_id OPERATOR(pg_catalog.=) i.org_id AND n.investigation_id OPERATOR(pg_catalog.=) i.id
                                  AND n.state OPERATOR(pg_catalog.=) 'sent'))::integer;
END
$$;
COMMENT ON FUNCTION sqm.stat_lex_sarah_summary_of(bigint, date, date) IS
  'Lex Sarah reports received, investigations started and completed in a period, and how many of those completed were notified to IVO (sqm.stat_lex_sarah_summary)';

-- ---------------------------------------------------------------------------
-- The views: every period of sqm.stat_period and attribution.

CREATE VIEW sqm.stat_lex_sarah_summary WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       x.reports_received, x.investigations_started, x.investigations_completed, x.notified_to_ivo
  FROM sqm.stat_period p,
       LATERAL sqm.stat_lex_sarah_summary_of(p.org_id, p.first_day, p.last_day) x
 ORDER BY p.org_id, p.first_day, p.last_day DESC;

CREATE VIEW sqm.stat_lex_sarah_per_unit WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       x.attribution,
       (CASE WHEN p.label_language OPERATOR(pg_catalog.=) 'en' THEN a.label_en ELSE a.label_sv END) AS attribution_label,
       x.unit_id, x.unit_kind, x.unit_kind_label COLLATE sqm.swedish AS unit_kind_label,
       x.unit_name COLLATE sqm.swedish AS unit_name, x.unit_label COLLATE sqm.swedish AS unit_label, x.parent_id,
       x.parent_name COLLATE sqm.swedish AS parent_name,
       x.department_id, x.department_name COLLATE sqm.swedish AS department_name, x.unit_valid_from, x.unit_valid_until,
       x.unit_existed, x.cases, x.unit_existed_previous, x.previous_cases
  FROM sqm.stat_period p,
       LATERAL sqm.stat_lex_sarah_units(p.org_id, p.first_day, p.last_day, p.previous_first_day, p.previous_last_day,
                                        p.today, p.label_language) x,
       sqm.label a
 WHERE a.kind OPERATOR(pg_catalog.=) 'attribution' AND a.code OPERATOR(pg_catalog.=) x.attribution
 ORDER BY p.org_id, p.first_day, p.last_day DESC, a.ord, sqm.unit_kind_rank(x.unit_kind) DESC, x.unit_label;

CREATE VIEW sqm.stat_lex_sarah_per_unit_total WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       x.attribution,
       (CASE WHEN p.label_language OPERATOR(pg_catalog.=) 'en' THEN a.label_en ELSE a.label_sv END) AS attribution_label,
       x.cases, x.counted_in_several_rows, x.cases_in_several_rows, x.cases_in_no_row,
       x.previous_cases, x.previous_counted_in_several_rows
  FROM sqm.stat_period p,
       LATERAL sqm.stat_lex_sarah_units_total(p.org_id, p.first_day, p.last_day, p.previous_first_day,
                                              p.previous_last_day, p.today) x,
       sqm.label a
 WHERE a.kind OPERATOR(pg_catalog.=) 'attribution' AND a.code OPERATOR(pg_catalog.=) x.attribution
 ORDER BY p.org_id, p.first_day, p.last_day DESC, a.ord;

CREATE VIEW sqm.stat_lex_sarah_outcome WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       x.outcome, x.label COLLATE sqm.swedish AS label, x.label_sv COLLATE sqm.swedish AS label_sv,
       x.label_en COLLATE sqm.swedish AS label_en, x.cases, x.notified_to_ivo
  FROM sqm.stat_period p,
       LATERAL sqm.stat_lex_sarah_outcomes(p.org_id, p.first_day, p.last_day, p.label_language) x
 ORDER BY p.org_id, p.first_day, p.last_day DESC, x.outcome::sqm.lex_sarah_outcome;

CREATE VIEW sqm.stat_lex_sarah_outcome_total WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       x.cases, x.counted_in_several_rows, x.cases_in_several_rows, x.cases_in_no_row
  FROM sqm.stat_period p,
       LATERAL sqm.stat_lex_sarah_outcomes_total(p.org_id, p.first_day, p.last_day) x
 ORDER BY p.org_id, p.first_day, p.last_day DESC;

CREATE VIEW sqm.stat_lex_sarah_outcome_per_unit WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       x.attribution,
       (CASE WHEN p.label_language OPERATOR(pg_catalog.=) 'en' THEN a.label_en ELSE a.label_sv END) AS attribution_label,
       x.unit_id, x.unit_kind, x.unit_kind_label COLLATE sqm.swedish AS unit_kind_label,
       x.unit_name COLLATE sqm.swedish AS unit_name, x.unit_label COLLATE sqm.swedish AS unit_label, x.parent_id,
       x.parent_name COLLATE sqm.swedish AS parent_name,
       x.department_id, x.department_name COLLATE sqm.swedish AS department_name, x.unit_valid_from, x.unit_valid_until,
       x.outcome, x.label COLLATE sqm.swedish AS label, x.label_sv COLLATE sqm.swedish AS label_sv,
       x.label_en COLLATE sqm.swedish AS label_en, x.cases
  FROM sqm.stat_period p,
       LATERAL sqm.stat_lex_sarah_unit_outcomes(p.org_id, p.first_day, p.last_day, p.today, p.label_language) x,
       sqm.label a
 WHERE a.kind OPERATOR(pg_catalog.=) 'attribution' AND a.code OPERATOR(pg_catalog.=) x.attribution
 ORDER BY p.org_id, p.first_day, p.last_day DESC, a.ord, sqm.unit_kind_rank(x.unit_kind) DESC, x.unit_label,
          x.outcome::sqm.lex_sarah_outcome;

CREATE VIEW sqm.stat_lex_sarah_outcome_per_unit_total WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       x.attribution,
       (CASE WHEN p.label_language OPERATOR(pg_catalog.=) 'en' THEN a.label_en ELSE a.label_sv END) AS attribution_label,
       x.cases, x.counted_in_several_rows, x.cases_in_several_rows, x.cases_in_no_row
  FROM sqm.stat_period p,
       LATERAL sqm.stat_lex_sarah_unit_outcomes_total(p.org_id, p.first_day, p.last_day, p.today) x,
       sqm.label a
 WHERE a.kind OPERATOR(pg_catalog.=) 'attribution' AND a.code OPERATOR(pg_catalog.=) x.attribution
 ORDER BY p.org_id, p.first_day, p.last_day DESC, a.ord;

CREATE VIEW sqm.stat_lex_sarah_theme WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       x.theme, x.label COLLATE sqm.swedish AS label, x.label_sv COLLATE sqm.swedish AS label_sv,
       x.label_en COLLATE sqm.swedish AS label_en, x.cases
  FROM sqm.stat_period p,
       LATERAL sqm.stat_lex_sarah_themes(p.org_id, p.first_day, p.last_day, p.label_language) x
 ORDER BY p.org_id, p.first_day, p.last_day DESC, x.cases DESC, x.label;

CREATE VIEW sqm.stat_lex_sarah_theme_total WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       x.cases, x.counted_in_several_rows, x.cases_in_several_rows, x.cases_in_no_row
  FROM sqm.stat_period p,
       LATERAL sqm.stat_lex_sarah_themes_total(p.org_id, p.first_day, p.last_day) x
 ORDER BY p.org_id, p.first_day, p.last_day DESC;

CREATE VIEW sqm.stat_ivo_answer WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       x.answer, x.label COLLATE sqm.swedish AS label, x.label_sv COLLATE sqm.swedish AS label_sv,
       x.label_en COLLATE sqm.swedish AS label_en, x.cases
  FROM sqm.stat_period p,
       LATERAL sqm.stat_ivo_answers(p.org_id, p.first_day, p.last_day, p.label_language) x
 ORDER BY p.org_id, p.first_day, p.last_day DESC,
          (SELECT l.ord FROM sqm.label l WHERE l.kind OPERATOR(pg_catalog.=) 'ivo_answer' AND l.code OPERATOR(pg_catalog.=) x.answer);

CREATE VIEW sqm.stat_ivo_answer_total WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       x.cases, x.counted_in_several_rows, x.cases_in_several_rows, x.cases_in_no_row
  FROM sqm.stat_period p,
       LATERAL sqm.stat_ivo_answers_total(p.org_id, p.first_day, p.last_day) x
 ORDER BY p.org_id, p.first_day, p.last_day DESC;

SELECT sqm.register_stat_view('sqm.stat_lex_sarah_summary', 'lex_sarah_investigation',
  'Lex Sarah per år', 'Lex Sarah per year',
  'Lex Sarah per period (the multi-year totals: period_kind year): reports received, investigations started, investigations completed (the published figure: by completion date, an early close by its closing date) and how many of those were notified to IVO');
SELECT sqm.register_stat_view('sqm.stat_lex_sarah_per_unit_total', 'lex_sarah_investigation',
  'Lex Sarah-utredningar per enhet, totalt', 'Lex Sarah investigations per unit, total',
  'The total of sqm.stat_lex_sarah_per_unit: investigations completed in the period and the one before, each once, and how many more times the unit rows count them (an investigation covering reports from two units: the published "21 against 20")');
SELECT sqm.register_stat_view('sqm.stat_lex_sarah_per_unit', 'lex_sarah_investigation',
  'Lex Sarah-utredningar per enhet', 'Lex Sarah investigations per unit',
  'Lex Sarah investigations completed in the period (by completion date) per unit of the reports they cover and attribution, beside the period before: a row for every unit of kind unit that existed in the period (0 where none) and for every unit with investigations in either period; an investigation counts once for each unit it touches. Totals: sqm.stat_lex_sarah_per_unit_total',
  total => 'sqm.stat_lex_sarah_per_unit_total');
SELECT sqm.register_stat_view('sqm.stat_lex_sarah_outcome_total', 'lex_sarah_investigation',
  'Utfall av lex Sarah-utredningar, totalt', 'Lex Sarah outcomes, total',
  'The total of sqm.stat_lex_sarah_outcome: the investigations completed in the period, each under its outcome');
SELECT sqm.register_stat_view('sqm.stat_lex_sarah_outcome', 'lex_sarah_investigation',
  'Utfall av lex Sarah-utredningar', 'Lex Sarah outcomes',
  'Outcomes of the lex Sarah investigations completed in the period (by completion date), every outcome in order of severity (0 where none), with how many were notified to IVO. Totals: sqm.stat_lex_sarah_outcome_total',
  total => 'sqm.stat_lex_sarah_outcome_total',
  columns => '{"notified_to_ivo": "How many of the row''s investigations were notified to IVO (a sent notification)"}');
SELECT sqm.register_stat_view('sqm.stat_lex_sarah_outcome_per_unit_total', 'lex_sarah_investigation',
  'Utfall per enhet, totalt', 'Outcomes per unit, total',
  'The total of sqm.stat_lex_sarah_outcome_per_unit: investigations completed in the period, each once, and how many more times the unit rows count them');
SELECT sqm.register_stat_view('sqm.stat_lex_sarah_outcome_per_unit', 'lex_sarah_investigation',
  'Utfall per enhet', 'Outcomes per unit',
  'Outcomes of the lex Sarah investigations completed in the period (by completion date) per unit of their reports and attribution, where there are any; an investigation counts once for each unit it touches. Totals: sqm.stat_lex_sarah_outcome_per_unit_total',
  total => 'sqm.stat_lex_sarah_outcome_per_unit_total');
SELECT sqm.register_stat_view('sqm.stat_lex_sarah_theme_total', 'lex_sarah_investigation',
  'Teman i lex Sarah-utredningar, totalt', 'Lex Sarah themes, total',
  'The total of sqm.stat_lex_sarah_theme: investigations completed in the period with a theme, how many more times they count because of several themes (sum of the per-theme cases = cases + counted_in_several_rows), and cases_in_no_row without any theme');
SELECT sqm.register_stat_view('sqm.stat_lex_sarah_theme', 'lex_sarah_investigation',
  'Teman i lex Sarah-utredningar', 'Lex Sarah themes',
  'Themes of the deficiencies the lex Sarah investigations completed in the period (by completion date) found: every theme of the organisation''s taxonomy valid on a day of the period (0 where none); an investigation with several themes counts under each. Totals: sqm.stat_lex_sarah_theme_total',
  total => 'sqm.stat_lex_sarah_theme_total');
SELECT sqm.register_stat_view('sqm.stat_ivo_answer_total', 'ivo_notification',
  'IVO:s svar, totalt', 'IVO''s answers, total',
  'The total of sqm.stat_ivo_answer: the notifications sent to IVO in the period');
SELECT sqm.register_stat_view('sqm.stat_ivo_answer', 'ivo_notification',
  'IVO:s svar', 'IVO''s answers',
  'IVO''s answers to the notifications sent in the period (by the day sent): the latest answer of each, every answer (0 where none). An IVO case can stay open after the investigation closed. Totals: sqm.stat_ivo_answer_total',
  total => 'sqm.stat_ivo_answer_total',
  columns => '{"cases": "How many notifications sent in the period have this as their latest answer"}');

-- ---------------------------------------------------------------------------
-- Functions for what a view cannot take: any period (beside the one before
-- it), an attribution, a language.  An organisation that does not exist or
-- that the caller is no member of is refused alike (42704); an unknown
-- attribution or language with 22023.

CREATE FUNCTION sqm.lex_sarah_per_unit(org bigint, period sqm.period, attribution text DEFAULT 'today',
                                       lang text DEFAULT NULL)
RETURNS SETOF sqm.stat_lex_sarah_per_unit
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
    l  text;
BEGIN
    PERFORM sqm.stat_check(lex_sarah_per_unit.period, lex_sarah_per_unit.attribution);
    l := sqm.stat_language(org, lang);
    RETURN QUERY
    SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
           lex_sarah_per_unit.attribution, sqm.label_of('attribution', lex_sarah_per_unit.attribution, l),
           x.unit_id, x.unit_kind, x.unit_kind_label, x.unit_name, x.unit_label, x.parent_id, x.parent_name,
           x.department_id, x.department_name, x.unit_valid_from, x.unit_valid_until,
           x.unit_existed, x.cases, x.unit_existed_previous, x.previous_cases
      FROM sqm.stat_period_of(org, lex_sarah_per_unit.period) p
     CROSS JOIN LATERAL sqm.stat_lex_sarah_units(p.org_id, p.first_day, p.last_day, p.previous_first_day,
                                                 p.previous_last_day, p.today, l) x
     WHERE x.attribution OPERATOR(pg_catalog.=) lex_sarah_per_unit.attribution
     ORDER BY sqm.unit_kind_rank(x.unit_kind) DESC, x.unit_label;
END
$$;
COMMENT ON FUNCTION sqm.lex_sarah_per_unit(bigint, sqm.period, text, text) IS
  'The rows of sqm.stat_lex_sarah_per_unit for any period (beside the one before it), attribution and label language';

CREATE FUNCTION sqm.lex_sarah_outcomes(org bigint, period sqm.period, lang text DEFAULT NULL)
RETURNS SETOF sqm.stat_lex_sarah_outcome
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
    l  text;
BEGIN
    PERFORM sqm.stat_check(lex_sarah_outcomes.period);
    l := sqm.stat_language(org, lang);
    RETURN QUERY
    SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
           x.outcome, x.label, x.label_sv, x.label_en, x.cases, x.notified_to_ivo
      FROM sqm.stat_period_of(org, lex_sarah_outcomes.period) p
     CROSS JOIN LATERAL sqm.stat_lex_sarah_outcomes(p.org_id, p.first_day, p.last_day, l) x
     ORDER BY x.outcome::sqm.lex_sarah_outcome;
END
$$;
COMMENT ON FUNCTION sqm.lex_sarah_outcomes(bigint, sqm.period, text) IS
  'The rows of sqm.stat_lex_sarah_outcome for any period and label language';

CREATE FUNCTION sqm.ivo_answers(org bigint, period sqm.period, lang text DEFAULT NULL)
RETURNS SETOF sqm.stat_ivo_answer
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
    l  text;
BEGIN
    PERFORM sqm.stat_check(ivo_answers.period);
    l := sqm.stat_language(org, lang);
    RETURN QUERY
    SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
           x.answer, x.label, x.label_sv, x.label_en, x.cases
      FROM sqm.stat_period_of(org, ivo_answers.period) p
     CROSS JOIN LATERAL sqm.stat_ivo_answers(p.org_id, p.first_day, p.last_day, l) x
     ORDER BY (SELECT b.ord FROM sqm.label b WHERE b.kind = 'ivo_answer' AND b.code = x.answer);
END
$$;
COMMENT ON FUNCTION sqm.ivo_answers(bigint, sqm.period, text) IS
  'The rows of sqm.stat_ivo_answer for any period (of the day sent) and label language';

CREATE FUNCTION sqm.lex_sarah_themes(org bigint, period sqm.period, lang text DEFAULT NULL)
RETURNS SETOF sqm.stat_lex_sarah_theme
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
    l  text;
BEGIN
    PERFORM sqm.stat_check(lex_sarah_themes.period);
    l := sqm.stat_language(org, lang);
    RETURN QUERY
    SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
           x.theme, x.label, x.label_sv, x.label_en, x.cases
      FROM sqm.stat_period_of(org, lex_sarah_themes.period) p
     CROSS JOIN LATERAL sqm.stat_lex_sarah_themes(p.org_id, p.first_day, p.last_day, l) x
     ORDER BY x.cases DESC, x.label;
END
$$;
COMMENT ON FUNCTION sqm.lex_sarah_themes(bigint, sqm.period, text) IS
  'The rows of sqm.stat_lex_sarah_theme for any period and label language';

-- ---------------------------------------------------------------------------
-- Privileges: the views through sqm.register_stat_view; the functions the
-- views call run as their reader, so the readers may call them.

REVOKE ALL ON FUNCTION
    sqm.stat_lex_sarah_units(bigint, date, date, date, date, date, text),
    sqm.stat_lex_sarah_units_total(bigint, date, date, date, date, date),
    sqm.stat_lex_sarah_outcomes(bigint, date, date, text),
    sqm.stat_lex_sarah_outcomes_total(bigint, date, date),
    sqm.stat_lex_sarah_unit_outcomes(bigint, date, date, date, text),
    sqm.stat_lex_sarah_unit_outcomes_total(bigint, date, date, date),
    sqm.stat_lex_sarah_themes(bigint, date, date, text),
    sqm.stat_lex_sarah_themes_total(bigint, date, date),
    sqm.stat_ivo_answers(bigint, date, date, text),
    sqm.stat_ivo_answers_total(bigint, date, date),
    sqm.stat_lex_sarah_summary_of(bigint, date, date),
    sqm.lex_sarah_per_unit(bigint, sqm.period, text, text),
    sqm.lex_sarah_outcomes(bigint, sqm.period, text),
    sqm.ivo_answers(bigint, sqm.period, text),
    sqm.lex_sarah_themes(bigint, sqm.period, text)
FROM PUBLIC;
SELECT sqm.grant_privilege('lex_sarah', 'EXECUTE ON FUNCTION
    sqm.stat_lex_sarah_units(bigint, date, date, date, date, date, text),
    sqm.stat_lex_sarah_units_total(bigint, date, date, date, date, date),
    sqm.stat_lex_sarah_outcomes(bigint, date, date, text),
    sqm.stat_lex_sarah_outcomes_total(bigint, date, date),
    sqm.stat_lex_sarah_unit_outcomes(bigint, date, date, date, text),
    sqm.stat_lex_sarah_unit_outcomes_total(bigint, date, date, date),
    sqm.stat_lex_sarah_themes(bigint, date, date, text),
    sqm.stat_lex_sarah_themes_total(bigint, date, date),
    sqm.stat_ivo_answers(bigint, date, date, text),
    sqm.stat_ivo_answers_total(bigint, date, date),
    sqm.stat_lex_sarah_summary_of(bigint, date, date),
    sqm.lex_sarah_per_unit(bigint, sqm.period, text, text),
    sqm.lex_sarah_outcomes(bigint, sqm.period, text),
    sqm.ivo_answers(bigint, sqm.period, text),
    sqm.lex_sarah_themes(bigint, sqm.period, text)', '{readers}');

-- ---------------------------------------------------------------------------
-- The lex Sarah chapter of the quality report (doc/report.md): its sections,
-- each a table of one of the views above with the period before beside it,
-- and its chart.  The report code reads them from sqm.report_section.

SELECT sqm.register_report_chapter('lex_sarah', 20, 'Lex Sarah', 'Lex Sarah',
  'Personalen rapporterar missförhållanden och påtagliga risker för missförhållanden enligt lex Sarah. Varje rapport utreds; en utredning kan omfatta rapporter från flera enheter. En utredning räknas det år den avslutades. Allvarliga missförhållanden och påtagliga risker för allvarliga missförhållanden anmäls till Inspektionen för vård och omsorg (IVO).',
  'Staff report improprieties and tangible risks of improprieties under lex Sarah. Every report is investigated; one investigation can cover reports from several units. An investigation counts in the year it was completed. Serious improprieties and tangible risks of serious improprieties are notified to the Health and Social Care Inspectorate (IVO).',
  builtin => true);

SELECT sqm.register_report_section('lex_sarah_per_year', 'lex_sarah', 10,
  'Lex Sarah per år', 'Lex Sarah per year',
  'sqm.stat_lex_sarah_summary', 'period', 'År', 'Year',
  '[{"column": "investigations_completed", "label_sv": "Avslutade utredningar", "label_en": "Investigations completed"},
    {"column": "notified_to_ivo", "label_sv": "Anmälda till IVO", "label_en": "Notified to IVO"},
    {"column": "reports_received", "label_sv": "Mottagna rapporter", "label_en": "Reports received"}]',
  layout => 'years', chart => 'line', axis_label_sv => 'Antal per år', axis_label_en => 'Number per year',
  builtin => true);

SELECT sqm.register_report_section('lex_sarah_per_unit', 'lex_sarah', 20,
  'Lex Sarah-utredningar per enhet {period} och {previous_period}',
  'Lex Sarah investigations per unit, {period} and {previous_period}',
  'sqm.stat_lex_sarah_per_unit', 'unit_label', 'Enhet', 'Unit',
  '[{"column": "cases", "label_sv": "{period}", "label_en": "{period}", "previous": "previous_cases"}]',
  view_filter => '{"attribution": "today"}', keys => '{unit_id}', chart => 'bar_pair',
  axis_label_sv => 'Antal utredningar', axis_label_en => 'Number of investigations', hide_empty => true,
  per_department => true,
  notes_sv => '{"Enheter med utredningar något av åren. En utredning räknas det år den avslutades, under enheterna för dess rapporter."}',
  notes_en => '{"Units with investigations in either year. An investigation counts in the year it was completed, under the units of its reports."}',
  several_sv => 'En utredning som rör flera enheter räknas en gång per enhet: kolumnen {period} summerar till {sum}, medan {cases} utredningar avslutades.',
  several_en => 'An investigation concerning several units counts once for each unit: the {period} column sums to {sum}, while {cases} investigations were completed.',
  builtin => true);

SELECT sqm.register_report_section('lex_sarah_outcome', 'lex_sarah', 30,
  'Utfall av lex Sarah-utredningarna {period} och {previous_period}', 'Outcomes of the lex Sarah investigations, {period} and {previous_period}',
  'sqm.stat_lex_sarah_outcome', 'label', 'Utfall', 'Outcome',
  '[{"column": "cases", "label_sv": "Utredningar {period}", "label_en": "Investigations {period}", "previous": true},
    {"column": "notified_to_ivo", "label_sv": "Anmälda till IVO {period}", "label_en": "Notified to IVO {period}", "previous": true}]',
  keys => '{outcome}', chart => 'hbar', chart_column => 'cases',
  axis_label_sv => 'Antal utredningar', axis_label_en => 'Number of investigations',
  text_sv => 'Utfallen i allvarlighetsordning. De två allvarligaste ska anmälas till IVO.',
  text_en => 'The outcomes in order of severity. The two most serious are notified to IVO.',
  builtin => true);

SELECT sqm.register_report_section('lex_sarah_theme', 'lex_sarah', 40,
  'Brister som utredningarna fann {period} och {previous_period}', 'Deficiencies the investigations found, {period} and {previous_period}',
  'sqm.stat_lex_sarah_theme', 'label', 'Tema', 'Theme',
  '[{"column": "cases", "label_sv": "{period}", "label_en": "{period}", "previous": true}]',
  keys => '{theme}', chart => 'hbar', axis_label_sv => 'Antal utredningar', axis_label_en => 'Number of investigations',
  hide_empty => true,
  several_sv => 'En utredning kan finna brister av flera slag: temana {period} summerar till {sum} för {cases} utredningar med tema.',
  several_en => 'An investigation can find deficiencies of several kinds: the themes of {period} sum to {sum} for {cases} investigations with a theme.',
  builtin => true);

SELECT sqm.register_report_section('ivo_answer', 'lex_sarah', 50,
  'IVO:s svar på anmälningarna {period} och {previous_period}', 'IVO''s answers to the notifications, {period} and {previous_period}',
  'sqm.stat_ivo_answer', 'label', 'IVO:s senaste svar', 'IVO''s latest answer',
  '[{"column": "cases", "label_sv": "{period}", "label_en": "{period}", "previous": true}]',
  keys => '{answer}', hide_empty => true,
  text_sv => 'Anmälningar till IVO efter det år de skickades och IVO:s senaste svar. Ett ärende hos IVO kan vara öppet efter att utredningen avslutats.',
  text_en => 'Notifications to IVO by the year they were sent and IVO''s latest answer. A case at IVO can stay open after the investigation closed.',
  builtin => true);
