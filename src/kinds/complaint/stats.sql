-- Statistics of complaints and feedback (domain.md §3.3, §6): the tables of
-- the yearly quality report as views a BI tool can browse (doc/statistics.md),
-- computed from the same rows the API writes.
--
-- A matter counts in the period of its registration date, in the
-- organisation's time zone (sqm.complaint.registered_on, kept by
-- sqm.count_days); withdrawn matters (registered by mistake) are not
-- counted.  "Answered" counts the answers dated on or before the period's
-- follow-up day: the organisation's (sqm.complaint_follow_up), else the last
-- day of the month after the period -- or today, while that day is to come.
-- Nothing here shows personal data, free text, an exact time or a registry
-- number; the views are security_invoker and the functions SECURITY
-- INVOKER, so a reader counts the matters RLS lets them see.
--
-- Each table is a set-returning PL/pgSQL function of an organisation and a
-- period's days, reading that range of sqm.complaint through the index on
-- (org_id, registered_on); the views apply it to the periods of
-- sqm.stat_period, the functions for parameters to any period.

CREATE INDEX complaint_registered_on_idx ON sqm.complaint (org_id, registered_on);

-- ---------------------------------------------------------------------------
-- Codes and column names.

INSERT INTO sqm.label (kind, code, label_sv, label_en, ord, builtin) VALUES
    ('complaint_kind', 'complaint', 'klagomål', 'complaints', 1, true),
    ('complaint_kind', 'feedback', 'synpunkter', 'feedback', 2, true),
    ('complaint_kind', 'praise', 'beröm', 'praise', 3, true),
    ('complaint_kind', 'improvement_proposal', 'förbättringsförslag', 'improvement proposals', 4, true),
    ('complaint_unit', 'none', 'ej riktade till en enhet', 'not directed at a unit', NULL, true);

INSERT INTO sqm.stat_column (column_name, class, comment, builtin) VALUES
    ('complaint_kind', 'statistic', 'complaint (klagomål), feedback (synpunkt), praise (beröm) or improvement_proposal (förbättringsförslag)', true),
    ('complaint_kind_label', 'statistic', 'complaint_kind in the organisation''s language (sqm.label)', true),
    ('answered', 'statistic',
     'How many of the matters had a registered answer (or documentation of how they were handled) dated on or before status_on', true),
    ('not_answered', 'statistic', 'How many of the matters had no registered answer dated on or before status_on', true);

-- The follow-up day of an organisation's period: its own, else the period's.
CREATE FUNCTION sqm.complaint_follow_up_of(org bigint, period text, default_day date) RETURNS date
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    d  date;
BEGIN
    SELECT f.follow_up_on INTO d FROM sqm.complaint_follow_up f
     WHERE f.org_id OPERATOR(pg_catalog.=) org AND f.period::text OPERATOR(pg_catalog.=) complaint_follow_up_of.period;
    RETURN coalesce(d, default_day);
END
$$;
COMMENT ON FUNCTION sqm.complaint_follow_up_of(bigint, text, date) IS
  'The follow-up day of an organisation''s period for complaints and feedback: its own (sqm.complaint_follow_up), else default_day (the period''s follow_up_day)';

-- ---------------------------------------------------------------------------
-- The tables, as functions of a period.

-- The matters of a period per kind, and how many were answered by a day.
CREATE FUNCTION sqm.stat_complaint_kinds(org bigint, first_day date, last_day date, status_on date, lang text)
RETURNS TABLE (complaint_kind text, label text, label_sv text, label_en text, cases integer, answered integer,
               not_answered integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 4
SET search_path = pg_catalog, pg_temp
SET jit = off
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
        WITH counted AS (
            SELECT c.complaint_kind, pg_catalog.count(*) AS n,
                   pg_catalog.count(*) FILTER (WHERE c.answered_on OPERATOR(pg_catalog.<=) status_on) AS a
              FROM sqm.complaint c
             WHERE c.org_id OPERATOR(pg_catalog.=) org
               AND c.registered_on OPERATOR(pg_catalog.>=) first_day AND c.registered_on OPERATOR(pg_catalog.<=) last_day
               AND c.state OPERATOR(pg_catalog.<>) 'withdrawn'
             GROUP BY c.complaint_kind
        )
        SELECT l.code, CASE WHEN lang OPERATOR(pg_catalog.=) 'en' THEN l.label_en ELSE l.label_sv END, l.label_sv, l.label_en,
               coalesce(x.n, 0)::integer, coalesce(x.a, 0)::integer,
               (coalesce(x.n, 0) OPERATOR(pg_catalog.-) coalesce(x.a, 0))::integer
          FROM sqm.label l
          LEFT JOIN counted x ON x.complaint_kind OPERATOR(pg_catalog.=) l.code
         WHERE l.kind OPERATOR(pg_catalog.=) 'complaint_kind';
END
$$;
COMMENT ON FUNCTION sqm.stat_complaint_kinds(bigint, date, date, date, text) IS
  'Complaints and feedback of a period per kind (by registration date), and how many had an answer dated on or before status_on (sqm.stat_complaint_per_kind)';

CREATE FUNCTION sqm.stat_complaint_kinds_total(org bigint, first_day date, last_day date)
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
          FROM sqm.complaint c
         WHERE c.org_id OPERATOR(pg_catalog.=) org
           AND c.registered_on OPERATOR(pg_catalog.>=) first_day AND c.registered_on OPERATOR(pg_catalog.<=) last_day
           AND c.state OPERATOR(pg_catalog.<>) 'withdrawn';
END
$$;
COMMENT ON FUNCTION sqm.stat_complaint_kinds_total(bigint, date, date) IS
  'The total of sqm.stat_complaint_kinds: the matters of a period, each of one kind';

-- A period's matters in one row: every kind, answered and not.
CREATE FUNCTION sqm.stat_complaint_summary_of(org bigint, first_day date, last_day date, status_on date)
RETURNS TABLE (matters integer, complaints integer, feedback integer, praise integer, improvement_proposals integer,
               answered integer, not_answered integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 1
SET search_path = pg_catalog, pg_temp
SET jit = off
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
        SELECT pg_catalog.count(*)::integer,
               pg_catalog.count(*) FILTER (WHERE c.complaint_kind OPERATOR(pg_catalog.=) 'complaint')::integer,
               pg_catalog.count(*) FILTER (WHERE c.complaint_kind OPERATOR(pg_catalog.=) 'feedback')::integer,
               pg_catalog.count(*) FILTER (WHERE c.complaint_kind OPERATOR(pg_catalog.=) 'praise')::integer,
               pg_catalog.count(*) FILTER (WHERE c.complaint_kind OPERATOR(pg_catalog.=) 'improvement_proposal')::integer,
               pg_catalog.count(*) FILTER (WHERE c.answered_on OPERATOR(pg_catalog.<=) status_on)::integer,
               pg_catalog.count(*) FILTER (WHERE c.answered_on IS NULL OR c.answered_on OPERATOR(pg_catalog.>) status_on)::integer
          FROM sqm.complaint c
         WHERE c.org_id OPERATOR(pg_catalog.=) org
           AND c.registered_on OPERATOR(pg_catalog.>=) first_day AND c.registered_on OPERATOR(pg_catalog.<=) last_day
           AND c.state OPERATOR(pg_catalog.<>) 'withdrawn';
END
$$;
COMMENT ON FUNCTION sqm.stat_complaint_summary_of(bigint, date, date, date) IS
  'The complaints and feedback of a period, per kind, and how many were answered by status_on (sqm.stat_complaint_summary)';

-- Matters of every kind per unit in a period beside the period before, for
-- both attributions at once: every unit of kind unit that existed in the
-- period (zero where it had none), every unit with matters in either period,
-- and one row for the matters directed at no unit (unit_id NULL: counted
-- apart from the unit that handles them).  Under attribution today a matter
-- counts under the unit holding it today.  The period's matters are read once
-- and the units once per attribution: eight calls, one per kind and
-- attribution, each with its own sqm.stat_units, were most of the table's
-- time (issue 15).
CREATE FUNCTION sqm.stat_complaint_units(org bigint, first_day date, last_day date, previous_first date, previous_last date,
                                         today date, lang text)
RETURNS TABLE (complaint_kind text, attribution text, unit_id bigint, unit_kind text, unit_kind_label text, unit_name text,
               unit_label text, parent_id bigint, parent_name text, department_id bigint, department_name text,
               unit_valid_from date, unit_valid_until date,
               unit_existed boolean, cases integer, unit_existed_previous boolean, previous_cases integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 160
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
            -- a matter directed at no unit counts in the row of its own (unit NULL)
            SELECT c.complaint_kind, CASE WHEN c.directed_at_unit THEN c.unit_id END AS unit_id, c.registered_on,
                   pg_catalog.count(*) AS n
              FROM sqm.complaint c
             WHERE c.org_id OPERATOR(pg_catalog.=) org
               AND c.registered_on OPERATOR(pg_catalog.>=) coalesce(previous_first, first_day)
               AND c.registered_on OPERATOR(pg_catalog.<=) last_day
               AND c.state OPERATOR(pg_catalog.<>) 'withdrawn'
             GROUP BY 1, 2, c.registered_on
        ), attributed AS MATERIALIZED (
            SELECT x.complaint_kind, x.unit_id, coalesce(m.attributed_to, x.unit_id) AS today_unit_id,
                   x.registered_on OPERATOR(pg_catalog.>=) first_day AS cur,
                   x.registered_on OPERATOR(pg_catalog.<=) previous_last AS prv, x.n
              FROM per_day x
              LEFT JOIN m ON m.unit_id OPERATOR(pg_catalog.=) x.unit_id AND m.days OPERATOR(pg_catalog.@>) x.registered_on
        ), counted AS MATERIALIZED (
            SELECT x.complaint_kind, 'today'::text AS attribution, x.today_unit_id AS unit_id,
                   pg_catalog.sum(x.n) FILTER (WHERE x.cur) AS cur, pg_catalog.sum(x.n) FILTER (WHERE x.prv) AS prv
              FROM attributed x GROUP BY 1, 3
            UNION ALL
            SELECT x.complaint_kind, 'as_it_was'::text, x.unit_id,
                   pg_catalog.sum(x.n) FILTER (WHERE x.cur), pg_catalog.sum(x.n) FILTER (WHERE x.prv)
              FROM attributed x GROUP BY 1, 3
        ), units AS (
            SELECT 'today'::text AS attribution, u.*
              FROM sqm.stat_units(org, first_day, last_day, previous_first, previous_last, 'today', today, lang) u
            UNION ALL
            SELECT 'as_it_was'::text, u.*
              FROM sqm.stat_units(org, first_day, last_day, previous_first, previous_last, 'as_it_was', today, lang) u
        ), no_unit AS (
            SELECT CASE WHEN lang OPERATOR(pg_catalog.=) 'en' THEN l.label_en ELSE l.label_sv END AS label
              FROM sqm.label l
             WHERE l.kind OPERATOR(pg_catalog.=) 'complaint_unit' AND l.code OPERATOR(pg_catalog.=) 'none'
        )
        SELECT k.code, u.attribution, u.unit_id, u.unit_kind, u.unit_kind_label, u.unit_name, u.unit_label, u.parent_id,
               u.parent_name, u.department_id, u.department_name, u.unit_valid_from, u.unit_valid_until,
               u.unit_existed,
               CASE WHEN u.unit_existed OR coalesce(c.cur, 0) OPERATOR(pg_catalog.>) 0 THEN coalesce(c.cur, 0)::integer END,
               u.unit_existed_previous,
               CASE WHEN previous_first IS NOT NULL AND (u.unit_existed_previous OR coalesce(c.prv, 0) OPERATOR(pg_catalog.>) 0)
                    THEN coalesce(c.prv, 0)::integer END
          FROM sqm.label k
         CROSS JOIN units u
          LEFT JOIN counted c ON c.complaint_kind OPERATOR(pg_catalog.=) k.code AND c.attribution OPERATOR(pg_catalog.=) u.attribution
                             AND c.unit_id OPERATOR(pg_catalog.=) u.unit_id
         WHERE k.kind OPERATOR(pg_catalog.=) 'complaint_kind'
           AND (u.listed OR coalesce(c.cur, 0) OPERATOR(pg_catalog.>) 0 OR coalesce(c.prv, 0) OPERATOR(pg_catalog.>) 0)
        UNION ALL
        -- the matters directed at no unit: a row of their own for every kind and
        -- attribution, always there
        SELECT k.code, a.attribution, NULL::bigint, NULL::text, NULL::text,
               (SELECT n.label FROM no_unit n), (SELECT n.label FROM no_unit n),
               NULL::bigint, NULL::text, NULL::bigint, NULL::text, NULL::date, NULL::date,
               true, coalesce(c.cur, 0)::integer,
               previous_first IS NOT NULL,
               CASE WHEN previous_first IS NOT NULL THEN coalesce(c.prv, 0)::integer END
          FROM sqm.label k
         CROSS JOIN (VALUES ('today'::text), ('as_it_was'::text)) a(attribution)
          LEFT JOIN counted c ON c.complaint_kind OPERATOR(pg_catalog.=) k.code AND c.attribution OPERATOR(pg_catalog.=) a.attribution
                             AND c.unit_id IS NULL
         WHERE k.kind OPERATOR(pg_catalog.=) 'complaint_kind';
END
$$;
COMMENT ON FUNCTION sqm.stat_complaint_units(bigint, date, date, date, date, date, text) IS
  'Complaints and feedback per unit in a period (by registration date) beside the period before, for every kind and attribution, with a row for the matters directed at no unit (sqm.stat_complaint_per_unit)';

CREATE FUNCTION sqm.stat_complaint_units_total(org bigint, first_day date, last_day date, previous_first date,
                                               previous_last date, complaint_kind text)
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
        SELECT pg_catalog.count(*) FILTER (WHERE c.registered_on OPERATOR(pg_catalog.>=) first_day)::integer, 0, 0, 0,
               CASE WHEN previous_first IS NOT NULL THEN
                    pg_catalog.count(*) FILTER (WHERE c.registered_on OPERATOR(pg_catalog.<=) previous_last)::integer END,
               CASE WHEN previous_first IS NOT NULL THEN 0 END
          FROM sqm.complaint c
         WHERE c.org_id OPERATOR(pg_catalog.=) org
           AND c.registered_on OPERATOR(pg_catalog.>=) coalesce(previous_first, first_day)
           AND c.registered_on OPERATOR(pg_catalog.<=) last_day
           AND c.complaint_kind OPERATOR(pg_catalog.=) stat_complaint_units_total.complaint_kind
           AND c.state OPERATOR(pg_catalog.<>) 'withdrawn';
END
$$;
COMMENT ON FUNCTION sqm.stat_complaint_units_total(bigint, date, date, date, date, text) IS
  'The total of sqm.stat_complaint_units: the matters of a kind in a period and in the one before (each in one row)';

-- Matters per subject in a period and the three before (a matter with several
-- subjects counts under each): every subject of the taxonomy valid on a day
-- of those periods, and every subject with matters in them.
CREATE FUNCTION sqm.stat_complaint_subjects(org bigint, first_day date, last_day date, previous_first date, previous_last date,
                                            second_first date, second_last date, third_first date, third_last date, lang text)
RETURNS TABLE (subject_code text, label text, label_sv text, label_en text, cases integer, previous_cases integer,
               cases_2_before integer, cases_3_before integer, cases_4_periods integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 15
SET search_path = pg_catalog, pg_temp
SET jit = off
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
        WITH counted AS (
            SELECT s.code,
                   pg_catalog.count(*) FILTER (WHERE c.registered_on OPERATOR(pg_catalog.>=) first_day) AS n0,
                   pg_catalog.count(*) FILTER (WHERE c.registered_on OPERATOR(pg_catalog.>=) previous_first
                                                 AND c.registered_on OPERATOR(pg_catalog.<=) previous_last) AS n1,
                   pg_catalog.count(*) FILTER (WHERE c.registered_on OPERATOR(pg_catalog.>=) second_first
                                                 AND c.registered_on OPERATOR(pg_catalog.<=) second_last) AS n2,
                   pg_catalog.count(*) FILTER (WHERE c.registered_on OPERATOR(pg_catalog.<=) third_last) AS n3
              FROM sqm.complaint c CROSS JOIN LATERAL pg_catalog.unnest(c.subjects) AS s(code)
             WHERE c.org_id OPERATOR(pg_catalog.=) org
               AND c.registered_on OPERATOR(pg_catalog.>=) third_first AND c.registered_on OPERATOR(pg_catalog.<=) last_day
               AND c.state OPERATOR(pg_catalog.<>) 'withdrawn'
             GROUP BY s.code
        )
        SELECT t.code,
               (CASE WHEN lang OPERATOR(pg_catalog.=) 'en' THEN t.label_en ELSE t.label_sv END) COLLATE sqm.swedish,
               t.label_sv COLLATE sqm.swedish, t.label_en COLLATE sqm.swedish,
               coalesce(x.n0, 0)::integer, coalesce(x.n1, 0)::integer, coalesce(x.n2, 0)::integer, coalesce(x.n3, 0)::integer,
               (coalesce(x.n0, 0) OPERATOR(pg_catalog.+) coalesce(x.n1, 0) OPERATOR(pg_catalog.+) coalesce(x.n2, 0)
                OPERATOR(pg_catalog.+) coalesce(x.n3, 0))::integer
          FROM sqm.complaint_subject t
          LEFT JOIN counted x ON x.code OPERATOR(pg_catalog.=) t.code
         WHERE t.org_id OPERATOR(pg_catalog.=) org
           AND (t.valid OPERATOR(pg_catalog.&&) pg_catalog.daterange(third_first, last_day, '[]') OR x.code IS NOT NULL);
END
$$;
COMMENT ON FUNCTION sqm.stat_complaint_subjects(bigint, date, date, date, date, date, date, date, date, text) IS
  'Complaints and feedback per subject in a period and each of the three periods before it, and the four together (a matter with several subjects counts under each; sqm.stat_complaint_per_subject)';

CREATE FUNCTION sqm.stat_complaint_subjects_total(org bigint, first_day date, last_day date, previous_first date,
                                                  previous_last date)
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
        SELECT pg_catalog.count(*) FILTER (WHERE c.registered_on OPERATOR(pg_catalog.>=) first_day)::integer,
               coalesce(pg_catalog.sum(pg_catalog.cardinality(c.subjects) OPERATOR(pg_catalog.-) 1)
                        FILTER (WHERE c.registered_on OPERATOR(pg_catalog.>=) first_day), 0)::integer,
               pg_catalog.count(*) FILTER (WHERE c.registered_on OPERATOR(pg_catalog.>=) first_day
                                             AND pg_catalog.cardinality(c.subjects) OPERATOR(pg_catalog.>) 1)::integer,
               0,
               pg_catalog.count(*) FILTER (WHERE c.registered_on OPERATOR(pg_catalog.<=) previous_last)::integer,
               coalesce(pg_catalog.sum(pg_catalog.cardinality(c.subjects) OPERATOR(pg_catalog.-) 1)
                        FILTER (WHERE c.registered_on OPERATOR(pg_catalog.<=) previous_last), 0)::integer
          FROM sqm.complaint c
         WHERE c.org_id OPERATOR(pg_catalog.=) org
           AND c.registered_on OPERATOR(pg_catalog.>=) previous_first AND c.registered_on OPERATOR(pg_catalog.<=) last_day
           AND c.state OPERATOR(pg_catalog.<>) 'withdrawn';
END
$$;
COMMENT ON FUNCTION sqm.stat_complaint_subjects_total(bigint, date, date, date, date) IS
  'The total of sqm.stat_complaint_subjects: the matters of the period and of the one before, and how many more times they count because of several subjects';

-- ---------------------------------------------------------------------------
-- The views: every period of sqm.stat_period.  Period columns first, then the
-- codes with their labels, then the row.

CREATE VIEW sqm.stat_complaint_summary WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       f.follow_up_day, pg_catalog.date_smaller(f.follow_up_day, p.today) AS status_on,
       x.matters, x.complaints, x.feedback, x.praise, x.improvement_proposals, x.answered, x.not_answered
  FROM sqm.stat_period p,
       LATERAL (SELECT sqm.complaint_follow_up_of(p.org_id, p.period, p.follow_up_day) AS follow_up_day) f,
       LATERAL sqm.stat_complaint_summary_of(p.org_id, p.first_day, p.last_day,
                                             pg_catalog.date_smaller(f.follow_up_day, p.today)) x
 ORDER BY p.org_id, p.first_day, p.last_day DESC;

CREATE VIEW sqm.stat_complaint_per_kind WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       f.follow_up_day, pg_catalog.date_smaller(f.follow_up_day, p.today) AS status_on,
       x.complaint_kind, x.label COLLATE sqm.swedish AS label, x.label_sv COLLATE sqm.swedish AS label_sv,
       x.label_en COLLATE sqm.swedish AS label_en, x.cases, x.answered, x.not_answered
  FROM sqm.stat_period p,
       LATERAL (SELECT sqm.complaint_follow_up_of(p.org_id, p.period, p.follow_up_day) AS follow_up_day) f,
       LATERAL sqm.stat_complaint_kinds(p.org_id, p.first_day, p.last_day, pg_catalog.date_smaller(f.follow_up_day, p.today),
                                        p.label_language) x
 ORDER BY p.org_id, p.first_day, p.last_day DESC,
          (SELECT l.ord FROM sqm.label l WHERE l.kind OPERATOR(pg_catalog.=) 'complaint_kind' AND l.code OPERATOR(pg_catalog.=) x.complaint_kind);

CREATE VIEW sqm.stat_complaint_per_kind_total WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       f.follow_up_day, pg_catalog.date_smaller(f.follow_up_day, p.today) AS status_on,
       x.cases, x.counted_in_several_rows, x.cases_in_several_rows, x.cases_in_no_row
  FROM sqm.stat_period p,
       LATERAL (SELECT sqm.complaint_follow_up_of(p.org_id, p.period, p.follow_up_day) AS follow_up_day) f,
       LATERAL sqm.stat_complaint_kinds_total(p.org_id, p.first_day, p.last_day) x
 ORDER BY p.org_id, p.first_day, p.last_day DESC;

CREATE VIEW sqm.stat_complaint_per_unit WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       x.complaint_kind,
       (CASE WHEN p.label_language OPERATOR(pg_catalog.=) 'en' THEN k.label_en ELSE k.label_sv END) AS complaint_kind_label,
       x.attribution,
       (CASE WHEN p.label_language OPERATOR(pg_catalog.=) 'en' THEN a.label_en ELSE a.label_sv END) AS attribution_label,
       x.unit_id, x.unit_kind, x.unit_kind_label COLLATE sqm.swedish AS unit_kind_label,
       x.unit_name COLLATE sqm.swedish AS unit_name, x.unit_label COLLATE sqm.swedish AS unit_label, x.parent_id,
       x.parent_name COLLATE sqm.swedish AS parent_name,
       x.department_id, x.department_name COLLATE sqm.swedish AS department_name, x.unit_valid_from, x.unit_valid_until,
       x.unit_existed, x.cases, x.unit_existed_previous, x.previous_cases
  FROM sqm.stat_period p,
       LATERAL sqm.stat_complaint_units(p.org_id, p.first_day, p.last_day, p.previous_first_day, p.previous_last_day,
                                        p.today, p.label_language) x,
       sqm.label k,
       sqm.label a
 WHERE k.kind OPERATOR(pg_catalog.=) 'complaint_kind' AND k.code OPERATOR(pg_catalog.=) x.complaint_kind
   AND a.kind OPERATOR(pg_catalog.=) 'attribution' AND a.code OPERATOR(pg_catalog.=) x.attribution
 ORDER BY p.org_id, p.first_day, p.last_day DESC, k.ord, a.ord,
          x.unit_id IS NULL, sqm.unit_kind_rank(x.unit_kind) DESC, x.unit_label;

CREATE VIEW sqm.stat_complaint_per_unit_total WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       y.complaint_kind,
       (CASE WHEN p.label_language OPERATOR(pg_catalog.=) 'en' THEN y.complaint_kind_label_en ELSE y.complaint_kind_label_sv END) AS complaint_kind_label,
       y.attribution,
       (CASE WHEN p.label_language OPERATOR(pg_catalog.=) 'en' THEN y.attribution_label_en ELSE y.attribution_label_sv END) AS attribution_label,
       y.cases, y.counted_in_several_rows, y.cases_in_several_rows, y.cases_in_no_row,
       y.previous_cases, y.previous_counted_in_several_rows
  FROM sqm.stat_period p,
       LATERAL (
        -- the total does not depend on the attribution: once per kind (a
        -- materialized CTE is computed once per period, however the planner
        -- orders the joins; the attributions only repeat its rows; issue 15)
        WITH t AS MATERIALIZED (
            SELECT k.code, k.ord, k.label_sv, k.label_en, x.*
              FROM sqm.label k
             CROSS JOIN LATERAL sqm.stat_complaint_units_total(p.org_id, p.first_day, p.last_day, p.previous_first_day,
                                                               p.previous_last_day, k.code) x
             WHERE k.kind OPERATOR(pg_catalog.=) 'complaint_kind'
        )
        SELECT t.code AS complaint_kind, t.ord AS complaint_kind_ord, t.label_sv AS complaint_kind_label_sv,
               t.label_en AS complaint_kind_label_en,
               a.code AS attribution, a.ord AS attribution_ord, a.label_sv AS attribution_label_sv,
               a.label_en AS attribution_label_en,
               t.cases, t.counted_in_several_rows, t.cases_in_several_rows, t.cases_in_no_row,
               t.previous_cases, t.previous_counted_in_several_rows
          FROM t CROSS JOIN sqm.label a
         WHERE a.kind OPERATOR(pg_catalog.=) 'attribution'
       ) y
 ORDER BY p.org_id, p.first_day, p.last_day DESC, y.complaint_kind_ord, y.attribution_ord;

CREATE VIEW sqm.stat_complaint_per_subject WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       q.period_2_before, q.period_3_before,
       x.subject_code, x.label COLLATE sqm.swedish AS label, x.label_sv COLLATE sqm.swedish AS label_sv,
       x.label_en COLLATE sqm.swedish AS label_en,
       x.cases, x.previous_cases, x.cases_2_before, x.cases_3_before, x.cases_4_periods
  FROM sqm.stat_period p,
       LATERAL (SELECT sqm.prev(sqm.prev(p.period::sqm.period)) AS p2,
                       sqm.prev(sqm.prev(sqm.prev(p.period::sqm.period))) AS p3) r,
       LATERAL (SELECT r.p2::text AS period_2_before, r.p3::text AS period_3_before) q,
       LATERAL sqm.stat_complaint_subjects(p.org_id, p.first_day, p.last_day, p.previous_first_day, p.previous_last_day,
                                           sqm.first_day(r.p2), sqm.last_day(r.p2), sqm.first_day(r.p3), sqm.last_day(r.p3),
                                           p.label_language) x
 ORDER BY p.org_id, p.first_day, p.last_day DESC, x.cases DESC, x.cases_4_periods DESC, x.label;

CREATE VIEW sqm.stat_complaint_per_subject_total WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       x.cases, x.counted_in_several_rows, x.cases_in_several_rows, x.cases_in_no_row,
       x.previous_cases, x.previous_counted_in_several_rows
  FROM sqm.stat_period p,
       LATERAL sqm.stat_complaint_subjects_total(p.org_id, p.first_day, p.last_day, p.previous_first_day,
                                                 p.previous_last_day) x
 ORDER BY p.org_id, p.first_day, p.last_day DESC;

-- Comments, classes, grants and titles (sqm.register_stat_view).
SELECT sqm.register_stat_view('sqm.stat_complaint_summary', 'complaint',
  'Synpunkter och klagomål per år', 'Complaints and feedback per year',
  'Complaints and feedback per period (the multi-year totals: period_kind year), by registration date in the organisation''s time zone, per kind, and how many had a registered answer dated on or before status_on; withdrawn matters are not counted',
  columns => '{"follow_up_day": "The day the organisation compiles the period''s report (sqm.complaint_follow_up), else the last day of the month after the period",
               "status_on": "The day answers are counted on: follow_up_day, or today while that day is still to come",
               "matters": "Complaints and feedback of every kind registered in the period",
               "complaints": "Of which complaints (klagomål)", "feedback": "Of which feedback (synpunkter)",
               "praise": "Of which praise (beröm)", "improvement_proposals": "Of which improvement proposals (förbättringsförslag)"}');
SELECT sqm.register_stat_view('sqm.stat_complaint_per_kind_total', 'complaint',
  'Synpunkter och klagomål per slag, totalt', 'Complaints and feedback by kind, total',
  'The total of sqm.stat_complaint_per_kind: the matters of the period, each of one kind',
  columns => '{"follow_up_day": "The day the organisation compiles the period''s report (sqm.complaint_follow_up), else the last day of the month after the period",
               "status_on": "The day answers are counted on: follow_up_day, or today while that day is still to come"}');
SELECT sqm.register_stat_view('sqm.stat_complaint_per_kind', 'complaint',
  'Synpunkter och klagomål per slag, och besvarade', 'Complaints and feedback by kind, and answered',
  'Complaints and feedback per period (by registration date) and kind: how many, and how many had a registered answer (or documentation of how they were handled) dated on or before status_on — the published "answered k of n". Another follow-up day: sqm.complaints_answered_at. Totals: sqm.stat_complaint_per_kind_total',
  total => 'sqm.stat_complaint_per_kind_total',
  columns => '{"follow_up_day": "The day the organisation compiles the period''s report (sqm.complaint_follow_up), else the last day of the month after the period",
               "status_on": "The day answers are counted on: follow_up_day, or today while that day is still to come"}');
SELECT sqm.register_stat_view('sqm.stat_complaint_per_unit_total', 'complaint',
  'Synpunkter och klagomål per enhet, totalt', 'Complaints and feedback per unit, total',
  'The total of sqm.stat_complaint_per_unit: the matters of a kind in the period and in the period before (each counts in one row, the matters directed at no unit in theirs)');
SELECT sqm.register_stat_view('sqm.stat_complaint_per_unit', 'complaint',
  'Synpunkter och klagomål per enhet', 'Complaints and feedback per unit',
  'Complaints and feedback of a kind per unit, period (by registration date) and attribution, beside the period before: a row for every unit of kind unit that existed in the period (0 where it had none), for every unit with matters in either period, and one row (unit_id NULL) for the matters directed at no unit; cases NULL where the unit did not exist (published as "–"). Totals: sqm.stat_complaint_per_unit_total',
  total => 'sqm.stat_complaint_per_unit_total',
  columns => '{"unit_id": "The unit the row counts for; NULL for the row of the matters directed at no unit",
               "unit_existed": "Whether the unit existed on at least one day of the period (true for the row of the matters directed at no unit); where it did not, cases is NULL (published as \"–\") unless cases are attributed to it"}');
SELECT sqm.register_stat_view('sqm.stat_complaint_per_subject_total', 'complaint',
  'Synpunkter och klagomål per ämne, totalt', 'Complaints and feedback per subject, total',
  'The total of sqm.stat_complaint_per_subject: the matters of the period and of the period before, and how many more times they count because a matter can have several subjects (sum of the per-subject cases = cases + counted_in_several_rows)');
SELECT sqm.register_stat_view('sqm.stat_complaint_per_subject', 'complaint',
  'Synpunkter och klagomål per ämne', 'Complaints and feedback per subject',
  'Complaints and feedback per subject of the organisation''s taxonomy, in the period (by registration date), the period before and the two before that, and the four together (a multi-year table): every subject valid on a day of those periods (0 where none); a matter with several subjects counts under each. Totals: sqm.stat_complaint_per_subject_total',
  total => 'sqm.stat_complaint_per_subject_total',
  columns => '{"period_2_before": "The period two before this one (2023 for 2025)", "period_3_before": "The period three before this one (2022 for 2025)",
               "subject_code": "The subject (sqm.complaint_subject.code of the organisation''s taxonomy)",
               "cases_2_before": "cases in the period two before (period_2_before)", "cases_3_before": "cases in the period three before (period_3_before)",
               "cases_4_periods": "cases in the period and the three before it together"}');

-- ---------------------------------------------------------------------------
-- Functions for what a view cannot take: any period, another follow-up day,
-- a language.  An organisation that does not exist or that the caller is no
-- member of is refused alike (42704); an unknown kind, attribution or
-- language with 22023.

CREATE FUNCTION sqm.complaint_check_kind(complaint_kind text) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF complaint_kind IS NULL OR NOT EXISTS (SELECT FROM sqm.label l WHERE l.kind = 'complaint_kind' AND l.code = complaint_kind) THEN
        RAISE EXCEPTION 'unknown kind of complaint "%"', complaint_kind
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('%s is no kind of complaint or feedback.', coalesce(quote_literal(complaint_kind), 'NULL')),
                  HINT = 'The kinds are complaint, feedback, praise and improvement_proposal.';
    END IF;
END
$$;
COMMENT ON FUNCTION sqm.complaint_check_kind(text) IS
  'Internal: refuses (22023) a kind of complaint that is not complaint, feedback, praise or improvement_proposal';

CREATE FUNCTION sqm.complaints_per_unit(org bigint, period sqm.period, complaint_kind text DEFAULT 'complaint',
                                        attribution text DEFAULT 'today', lang text DEFAULT NULL)
RETURNS SETOF sqm.stat_complaint_per_unit
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
    l  text;
BEGIN
    PERFORM sqm.stat_check(complaints_per_unit.period, complaints_per_unit.attribution);
    l := sqm.stat_language(org, lang);
    PERFORM sqm.complaint_check_kind(complaints_per_unit.complaint_kind);
    RETURN QUERY
    SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
           complaints_per_unit.complaint_kind, sqm.label_of('complaint_kind', complaints_per_unit.complaint_kind, l),
           complaints_per_unit.attribution, sqm.label_of('attribution', complaints_per_unit.attribution, l),
           x.unit_id, x.unit_kind, x.unit_kind_label, x.unit_name, x.unit_label, x.parent_id, x.parent_name,
           x.department_id, x.department_name, x.unit_valid_from, x.unit_valid_until,
           x.unit_existed, x.cases, x.unit_existed_previous, x.previous_cases
      FROM sqm.stat_period_of(org, complaints_per_unit.period) p
     CROSS JOIN LATERAL sqm.stat_complaint_units(p.org_id, p.first_day, p.last_day, p.previous_first_day, p.previous_last_day,
                                                 p.today, l) x
     WHERE x.complaint_kind OPERATOR(pg_catalog.=) complaints_per_unit.complaint_kind
       AND x.attribution OPERATOR(pg_catalog.=) complaints_per_unit.attribution
     ORDER BY x.unit_id IS NULL, sqm.unit_kind_rank(x.unit_kind) DESC, x.unit_label;
END
$$;
COMMENT ON FUNCTION sqm.complaints_per_unit(bigint, sqm.period, text, text, text) IS
  'The rows of sqm.stat_complaint_per_unit for any period (beside the one before it), kind, attribution (today, as_it_was) and label language';

CREATE FUNCTION sqm.complaints_answered_at(org bigint, period sqm.period, follow_up date, lang text DEFAULT NULL)
RETURNS SETOF sqm.stat_complaint_per_kind
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
    l  text;
BEGIN
    PERFORM sqm.stat_check(complaints_answered_at.period);
    l := sqm.stat_language(org, lang);
    IF follow_up IS NULL THEN
        RAISE EXCEPTION 'the answered complaints and feedback of % need a follow-up day', complaints_answered_at.period
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'sqm.stat_complaint_per_kind has them on each period''s follow-up day.';
    END IF;
    RETURN QUERY
    SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period, follow_up, follow_up,
           x.complaint_kind, x.label, x.label_sv, x.label_en, x.cases, x.answered, x.not_answered
      FROM sqm.stat_period_of(org, complaints_answered_at.period) p
     CROSS JOIN LATERAL sqm.stat_complaint_kinds(p.org_id, p.first_day, p.last_day, follow_up, l) x
     ORDER BY (SELECT lb.ord FROM sqm.label lb WHERE lb.kind OPERATOR(pg_catalog.=) 'complaint_kind'
                                                 AND lb.code OPERATOR(pg_catalog.=) x.complaint_kind);
END
$$;
COMMENT ON FUNCTION sqm.complaints_answered_at(bigint, sqm.period, date, text) IS
  'The rows of sqm.stat_complaint_per_kind for any period and follow-up day: per kind, how many matters and how many had an answer dated on or before it';

CREATE FUNCTION sqm.complaints_per_subject(org bigint, period sqm.period, lang text DEFAULT NULL)
RETURNS SETOF sqm.stat_complaint_per_subject
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
    l   text;
    p2  sqm.period;
    p3  sqm.period;
BEGIN
    PERFORM sqm.stat_check(complaints_per_subject.period);
    l := sqm.stat_language(org, lang);
    p2 := sqm.prev(sqm.prev(complaints_per_subject.period));
    p3 := sqm.prev(p2);
    RETURN QUERY
    SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period, p2::text, p3::text,
           x.subject_code, x.label, x.label_sv, x.label_en,
           x.cases, x.previous_cases, x.cases_2_before, x.cases_3_before, x.cases_4_periods
      FROM sqm.stat_period_of(org, complaints_per_subject.period) p
     CROSS JOIN LATERAL sqm.stat_complaint_subjects(p.org_id, p.first_day, p.last_day, p.previous_first_day, p.previous_last_day,
                                                    sqm.first_day(p2), sqm.last_day(p2), sqm.first_day(p3), sqm.last_day(p3), l) x
     ORDER BY x.cases DESC, x.cases_4_periods DESC, x.label;
END
$$;
COMMENT ON FUNCTION sqm.complaints_per_subject(bigint, sqm.period, text) IS
  'The rows of sqm.stat_complaint_per_subject for any period and label language: per subject, the period and the three before it';

-- ---------------------------------------------------------------------------
-- Privileges: the views through sqm.register_stat_view; the functions the
-- views call run as their reader, so the readers may call them.

REVOKE ALL ON FUNCTION
    sqm.complaint_follow_up_of(bigint, text, date),
    sqm.stat_complaint_kinds(bigint, date, date, date, text),
    sqm.stat_complaint_kinds_total(bigint, date, date),
    sqm.stat_complaint_summary_of(bigint, date, date, date),
    sqm.stat_complaint_units(bigint, date, date, date, date, date, text),
    sqm.stat_complaint_units_total(bigint, date, date, date, date, text),
    sqm.stat_complaint_subjects(bigint, date, date, date, date, date, date, date, date, text),
    sqm.stat_complaint_subjects_total(bigint, date, date, date, date),
    sqm.complaint_check_kind(text),
    sqm.complaints_per_unit(bigint, sqm.period, text, text, text),
    sqm.complaints_answered_at(bigint, sqm.period, date, text),
    sqm.complaints_per_subject(bigint, sqm.period, text)
FROM PUBLIC;
SELECT sqm.grant_privilege('complaint', 'EXECUTE ON FUNCTION
    sqm.complaint_follow_up_of(bigint, text, date),
    sqm.stat_complaint_kinds(bigint, date, date, date, text),
    sqm.stat_complaint_kinds_total(bigint, date, date),
    sqm.stat_complaint_summary_of(bigint, date, date, date),
    sqm.stat_complaint_units(bigint, date, date, date, date, date, text),
    sqm.stat_complaint_units_total(bigint, date, date, date, date, text),
    sqm.stat_complaint_subjects(bigint, date, date, date, date, date, date, date, date, text),
    sqm.stat_complaint_subjects_total(bigint, date, date, date, date),
    sqm.complaint_check_kind(text),
    sqm.complaints_per_unit(bigint, sqm.period, text, text, text),
    sqm.complaints_answered_at(bigint, sqm.period, date, text),
    sqm.complaints_per_subject(bigint, sqm.period, text)', '{readers}');

-- ---------------------------------------------------------------------------
-- The chapter of complaints and feedback in the quality report
-- (doc/report.md): its sections, each a table of one of the views above.

SELECT sqm.register_report_chapter('complaint', 30, 'Synpunkter och klagomål', 'Complaints and feedback',
  'Synpunkter, klagomål, beröm och förbättringsförslag kommer från brukare, anhöriga, organisationer och myndigheter, eller anonymt. Varje ärende registreras i diariet och besvaras; svaret, eller hur ärendet hanterades, registreras också. Ett ärende räknas det år det registrerades.',
  'Feedback, complaints, praise and improvement proposals come from service users, relatives, organisations and authorities, or anonymously. Every matter is registered in the registry and answered; the answer, or how the matter was handled, is registered too. A matter counts in the year it was registered.',
  builtin => true);

SELECT sqm.register_report_section('complaint_per_year', 'complaint', 10,
  'Synpunkter och klagomål per år', 'Complaints and feedback per year',
  'sqm.stat_complaint_summary', 'period', 'År', 'Year',
  '[{"column": "matters", "label_sv": "Synpunkter och klagomål", "label_en": "Complaints and feedback"},
    {"column": "complaints", "label_sv": "Varav klagomål", "label_en": "Of which complaints"},
    {"column": "feedback", "label_sv": "Varav synpunkter", "label_en": "Of which feedback"}]',
  layout => 'years', chart => 'line', axis_label_sv => 'Antal per år', axis_label_en => 'Number per year',
  builtin => true);

SELECT sqm.register_report_section('complaint_answered', 'complaint', 20,
  'Synpunkter och klagomål {period} per slag, och hur många som besvarats', 'Complaints and feedback {period} by kind, and how many were answered',
  'sqm.stat_complaint_per_kind', 'label', 'Slag', 'Kind',
  '[{"column": "cases", "label_sv": "{period}", "label_en": "{period}", "previous": true},
    {"column": "answered", "label_sv": "Besvarade vid uppföljningen", "label_en": "Answered at the follow-up"},
    {"column": "not_answered", "label_sv": "Utan registrerat svar", "label_en": "Without a registered answer"}]',
  keys => '{complaint_kind}', hide_empty => true,
  text_sv => 'Ett ärende räknas som besvarat när ett svar, eller en dokumentation av hur det hanterades, är registrerat senast den dag organisationen sammanställer berättelsen (normalt sista dagen i månaden efter året).',
  text_en => 'A matter counts as answered when an answer, or documentation of how it was handled, is registered by the day the organisation compiles the report (by default the last day of the month after the year).',
  builtin => true);

SELECT sqm.register_report_section('complaint_per_unit', 'complaint', 30,
  'Klagomål per enhet {period} och {previous_period}', 'Complaints per unit, {period} and {previous_period}',
  'sqm.stat_complaint_per_unit', 'unit_label', 'Enhet', 'Unit',
  '[{"column": "cases", "label_sv": "{period}", "label_en": "{period}", "previous": "previous_cases"}]',
  view_filter => '{"complaint_kind": "complaint", "attribution": "today"}', keys => '{unit_id}',
  chart => 'bar_pair', axis_label_sv => 'Antal klagomål', axis_label_en => 'Number of complaints', hide_empty => true,
  per_department => true,
  notes_sv => '{"Enheter med klagomål något av åren. Ett klagomål räknas under den enhet det riktas mot, som den heter i dag; klagomål som inte riktas mot någon enhet har en egen rad."}',
  notes_en => '{"Units with complaints in either year. A complaint counts under the unit it is directed at, as it is called today; complaints directed at no unit have a row of their own."}',
  builtin => true);

SELECT sqm.register_report_section('feedback_per_unit', 'complaint', 40,
  'Synpunkter per enhet {period} och {previous_period}', 'Feedback per unit, {period} and {previous_period}',
  'sqm.stat_complaint_per_unit', 'unit_label', 'Enhet', 'Unit',
  '[{"column": "cases", "label_sv": "{period}", "label_en": "{period}", "previous": "previous_cases"}]',
  view_filter => '{"complaint_kind": "feedback", "attribution": "today"}', keys => '{unit_id}',
  chart => 'bar_pair', axis_label_sv => 'Antal synpunkter', axis_label_en => 'Number of feedback items', hide_empty => true,
  per_department => true,
  notes_sv => '{"Enheter med synpunkter något av åren; synpunkter som inte riktas mot någon enhet har en egen rad."}',
  notes_en => '{"Units with feedback in either year; feedback directed at no unit has a row of its own."}',
  builtin => true);

SELECT sqm.register_report_section('complaint_per_subject', 'complaint', 50,
  'Synpunkter och klagomål per ämne {period} och {previous_period}', 'Complaints and feedback per subject, {period} and {previous_period}',
  'sqm.stat_complaint_per_subject', 'label', 'Ämne', 'Subject',
  '[{"column": "cases", "label_sv": "{period}", "label_en": "{period}", "previous": "previous_cases"},
    {"column": "cases_4_periods", "label_sv": "Fyra år t.o.m. {period}", "label_en": "Four years to {period}"}]',
  keys => '{subject_code}', chart => 'hbar', chart_column => 'cases',
  axis_label_sv => 'Antal ärenden', axis_label_en => 'Number of matters', hide_empty => true,
  several_sv => 'Ett ärende kan gälla flera ämnen: ämnena {period} summerar till {sum} för {cases} ärenden.',
  several_en => 'A matter can concern several subjects: the subjects of {period} sum to {sum} for {cases} matters.',
  builtin => true);
