-- Statistics of deadlines (domain.md §4, §6; doc/statistics.md): how the
-- obligations whose clock started in a period stood on the period's
-- follow-up day — met in time, met late, overdue, not yet due — per rule,
-- as a view a BI tool can browse and the quality report charts ("obligations
-- overdue").  The obligations themselves are sqm.obligations()
-- (80_deadlines.sql); this file counts them and shows no exact time.
--
--   sqm.stat_obligations        a period's counts per rule, for the caller
--   sqm.stat_obligation_cases   a period's count of obligations, for the caller
--   sqm.stat_obligation(_total) the view (+ total), per period of sqm.stat_period
--
-- An obligation counts in the period its clock started (the start event's
-- day in the organisation's time zone) and stands as it stood at the end of
-- the status day (status_on: the follow-up day, or today while that is to
-- come): met in time (stopped by its due time), met late (stopped after it),
-- overdue (not stopped, and due by then) or not yet due.
--
-- Decision: the counting function is SECURITY DEFINER.  The obligations are
-- computed from the exact moments of the cases (reported_at, received_at …),
-- which the report reader may not read, while their counts are statistics
-- every reader may.  So the function reads the cases as their owner and
-- counts, for a caller without an organisation-wide role, only the
-- obligations of the units whose cases the caller may see — the policy of
-- the case rows (sqm.may_see), asked once per unit rather than per row.

-- The units whose obligations the caller may count in the organisation,
-- NULL: every unit (an organisation-wide role).  Called from the SECURITY
-- DEFINER functions below, as their caller's policy.
CREATE FUNCTION sqm.stat_obligation_units(org bigint) RETURNS bigint[]
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT CASE WHEN NOT (sqm.may(org, NULL, 'read_statistics') OR sqm.may(org, NULL, 'read_cases'))
                THEN (SELECT coalesce(pg_catalog.array_agg(u.unit_id), '{}')
                        FROM sqm.unit u WHERE u.org_id = org AND sqm.may_see(org, u.unit_id, NULL)) END;
END;
COMMENT ON FUNCTION sqm.stat_obligation_units(bigint) IS
  'Internal: the units whose obligations the caller may count (sqm.may_see), NULL for every unit (read_statistics or read_cases in the whole organisation)';

CREATE FUNCTION sqm.stat_obligations(org bigint, first_day date, last_day date, status_on date, lang text)
RETURNS TABLE (rule text, kind text, kind_label text, legal boolean, label text, label_sv text, label_en text,
               cases integer, met_in_time integer, met_late integer, overdue integer, not_yet_due integer)
LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 12
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    tz      text;
    units   bigint[];
    ends    timestamptz;
BEGIN
    SELECT o.time_zone INTO tz FROM sqm.organisation o WHERE o.org_id = org;
    IF tz IS NULL OR first_day IS NULL OR last_day IS NULL OR status_on IS NULL THEN
        RETURN;
    END IF;
    -- which obligations the caller may count (the policy of the case rows)
    units := sqm.stat_obligation_units(org);
    -- the end of the status day: the moment the status is taken at
    ends := (status_on + 1)::timestamp AT TIME ZONE tz;
    RETURN QUERY
        WITH counted AS (
            -- only the obligations whose clock started in the period: a range
            -- on the start columns, from the start of its first day to the
            -- start of the day after it or the end of the status day,
            -- whichever is first; counted per rule inside the engine's query
            -- (prepared once per backend: sqm.obligation_counts_period)
            SELECT c.rule, c.cases, c.met_in_time, c.met_late, c.overdue, c.not_yet_due
              FROM sqm.obligation_counts_period(org, first_day::timestamp AT TIME ZONE tz,
                                                pg_catalog.timestamptz_smaller((last_day OPERATOR(pg_catalog.+) 1)::timestamp AT TIME ZONE tz, ends),
                                                ends, units) c
        ), rules AS (
            -- a rule's labels: those of its basis in force last
            SELECT DISTINCT ON (r.rule) r.rule, r.kind, r.legal, r.label_sv, r.label_en
              FROM sqm.deadline_rule r
             ORDER BY r.rule, pg_catalog.upper(r.basis_valid) DESC NULLS FIRST
        )
        SELECT r.rule, r.kind,
               (CASE WHEN lang OPERATOR(pg_catalog.=) 'en' THEN k.label_en ELSE k.label_sv END) COLLATE sqm.swedish,
               r.legal,
               (CASE WHEN lang OPERATOR(pg_catalog.=) 'en' THEN r.label_en ELSE r.label_sv END) COLLATE sqm.swedish,
               r.label_sv COLLATE sqm.swedish, r.label_en COLLATE sqm.swedish,
               coalesce(c.cases, 0)::integer, coalesce(c.met_in_time, 0)::integer, coalesce(c.met_late, 0)::integer,
               coalesce(c.overdue, 0)::integer, coalesce(c.not_yet_due, 0)::integer
          FROM rules r
          JOIN sqm.lifecycle_kind k ON k.kind OPERATOR(pg_catalog.=) r.kind
          LEFT JOIN counted c ON c.rule OPERATOR(pg_catalog.=) r.rule;
END
$$;
COMMENT ON FUNCTION sqm.stat_obligations(bigint, date, date, date, text) IS
  'Deadline obligations whose clock started in a period (first_day … last_day, by the start event''s day in the organisation''s time zone), per rule, as they stood at the end of status_on: met in time, met late, overdue, not yet due (sqm.stat_obligation). SECURITY DEFINER: counts the obligations of the units whose cases the caller may see (sqm.may_see), without showing a moment';

-- The total of a period: how many obligations started in it, as
-- sqm.stat_obligations would sum them -- without computing when each was due
-- or whether it stopped (half the time of the counts).  No row where
-- sqm.stat_obligations has none: an organisation not found, a day missing,
-- no rule.
CREATE FUNCTION sqm.stat_obligation_cases(org bigint, first_day date, last_day date, status_on date)
RETURNS TABLE (cases integer)
LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 1
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    tz      text;
    ends    timestamptz;
BEGIN
    SELECT o.time_zone INTO tz FROM sqm.organisation o WHERE o.org_id = org;
    IF tz IS NULL OR first_day IS NULL OR last_day IS NULL OR status_on IS NULL
       OR NOT EXISTS (SELECT FROM sqm.deadline_rule) THEN
        RETURN;
    END IF;
    ends := (status_on + 1)::timestamp AT TIME ZONE tz;
    RETURN QUERY
        SELECT coalesce(sqm.obligation_cases_period(org, first_day::timestamp AT TIME ZONE tz,
                                                    pg_catalog.timestamptz_smaller((last_day OPERATOR(pg_catalog.+) 1)::timestamp AT TIME ZONE tz, ends),
                                                    sqm.stat_obligation_units(org))::integer, 0);
END
$$;
COMMENT ON FUNCTION sqm.stat_obligation_cases(bigint, date, date, date) IS
  'How many deadline obligations started in a period (first_day … last_day, and not after status_on): the sum of sqm.stat_obligations'' cases, without computing their due times (sqm.stat_obligation_total). SECURITY DEFINER: counts the obligations of the units whose cases the caller may see (sqm.may_see); no row where sqm.stat_obligations has none';

CREATE VIEW sqm.stat_obligation WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       p.follow_up_day, pg_catalog.date_smaller(p.follow_up_day, p.today) AS status_on,
       x.rule, x.kind, x.kind_label COLLATE sqm.swedish AS kind_label, x.legal, x.label COLLATE sqm.swedish AS label,
       x.label_sv COLLATE sqm.swedish AS label_sv, x.label_en COLLATE sqm.swedish AS label_en,
       x.cases, x.met_in_time, x.met_late, x.overdue, x.not_yet_due
  FROM sqm.stat_period p,
       LATERAL sqm.stat_obligations(p.org_id, p.first_day, p.last_day,
                                    pg_catalog.date_smaller(p.follow_up_day, p.today), p.label_language) x
 ORDER BY p.org_id, p.first_day, p.last_day DESC, x.kind, x.label;

CREATE VIEW sqm.stat_obligation_total WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       p.follow_up_day, pg_catalog.date_smaller(p.follow_up_day, p.today) AS status_on,
       x.cases, 0 AS counted_in_several_rows, 0 AS cases_in_several_rows, 0 AS cases_in_no_row
  FROM sqm.stat_period p,
       LATERAL sqm.stat_obligation_cases(p.org_id, p.first_day, p.last_day,
                                         pg_catalog.date_smaller(p.follow_up_day, p.today)) x
 ORDER BY p.org_id, p.first_day, p.last_day DESC;

SELECT sqm.register_stat_view('sqm.stat_obligation_total', NULL,
  'Tidsfrister, totalt', 'Deadlines, total',
  'The total of sqm.stat_obligation: the obligations whose clock started in the period, each under its rule (counted_in_several_rows is 0), and how they stood on status_on');
SELECT sqm.register_stat_view('sqm.stat_obligation', NULL,
  'Tidsfrister', 'Deadlines',
  'Deadline obligations (doc/deadlines.md) whose clock started in the period (by the start event''s day in the organisation''s time zone), per rule (0 where none), as they stood at the end of status_on (the follow-up day, or today while that is to come): met in time, met late, overdue (not met and due by then) or not yet due. Counts the obligations of the units whose cases the reader may see. Totals: sqm.stat_obligation_total',
  total => 'sqm.stat_obligation_total',
  columns => '{"rule": "The deadline rule (sqm.deadline_rule.rule)",
               "kind": "The lifecycle kind whose cases the rule applies to (sqm.lifecycle_kind)",
               "kind_label": "That kind in the organisation''s language",
               "legal": "Whether the rule is a legal limit (fixed) rather than a routine target (the organisation''s setting)",
               "cases": "Obligations of the rule whose clock started in the period",
               "met_in_time": "Of those, met by their due time (by status_on)",
               "met_late": "Of those, met after their due time (by status_on)",
               "overdue": "Of those, not met by the end of status_on and due by then",
               "not_yet_due": "Of those, not met by the end of status_on and not yet due"}');

REVOKE ALL ON FUNCTION sqm.stat_obligation_units(bigint), sqm.stat_obligations(bigint, date, date, date, text),
                       sqm.stat_obligation_cases(bigint, date, date, date) FROM PUBLIC;
-- the views call them as their reader (security_invoker): the readers may
SELECT sqm.grant_privilege('core', 'EXECUTE ON FUNCTION sqm.stat_obligations(bigint, date, date, date, text),
    sqm.stat_obligation_cases(bigint, date, date, date)', '{readers}');
