-- Statistics (domain.md §6, design.md §1): what every kind's statistics views
-- share.  Each kind's stats.sql builds the tables of the yearly report on it
-- (doc/statistics.md).
--
--   sqm.stat_column        the columns every statistics view names alike, with
--                          their class and meaning
--   sqm.stat_view          the statistics views, each with its total view
--   sqm.register_stat_view comments, classes, grants and registration of a view
--   sqm.stat_period        each organisation's periods, first and last day
--   sqm.stat_period_of     the same row for any period (functions)
--   sqm.stat_units         the units a per-unit table lists, told apart
--   sqm.unit_attribution_map  which unit holds a unit's cases of a day, today
--
-- Each table of the report is a set-returning PL/pgSQL function of an
-- organisation and a period's first and last day; a view joins it to every
-- period of sqm.stat_period, and a function for parameters (any period,
-- another follow-up date, a language) calls the same function, so a view and
-- its function agree by construction.  A view filtered by period (its text,
-- or its dates) calls the function only for those periods, and the function
-- reads only that range of days, through an index on (org_id, day).  The
-- functions carry SET jit = off: what a view costs the planner is a few
-- function calls (declared ROWS), far below the JIT thresholds (design.md
-- §3b: JIT cost seconds on reporting queries).  They are PL/pgSQL, with
-- SET plan_cache_mode = force_generic_plan, so that a session plans each
-- query once and keeps the plan: SQL functions with SET clauses are planned
-- again in every query (design.md §3b), which was most of a view's time.

-- ---------------------------------------------------------------------------
-- The columns every statistics view names alike: one meaning, one class,
-- one comment.  sqm.register_stat_view comments and classifies a view's
-- columns from here; a column not here is given by the view's registration.

CREATE TABLE sqm.stat_column (
    column_name  name PRIMARY KEY,
    class        text NOT NULL CHECK (class IN ('statistic', 'internal')),
    comment      text NOT NULL,
    builtin      boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE sqm.stat_column IS
  'Columns that statistics views name alike, with their class (statistic or internal) and meaning; sqm.register_stat_view comments and classifies view columns from it';
REVOKE ALL ON sqm.stat_column FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('sqm.stat_column', 'WHERE NOT builtin');
SELECT sqm.classify('sqm.stat_column', '{"statistic": ["column_name", "class", "comment"], "internal": ["builtin"]}');
SELECT sqm.grant_privilege('core', 'SELECT ON sqm.stat_column', '{everyone}');

INSERT INTO sqm.stat_column (column_name, class, comment, builtin) VALUES
    ('org_id', 'internal', 'The organisation (sqm.organisation)', true),
    ('period', 'statistic',
     'The period as canonical text: a year (2025), a quality year (2024/25@9), a calendar quarter (2025Q1) or month (2025-03); filter with text, e.g. period = ''2025''', true),
    ('period_kind', 'statistic',
     'year (the organisation''s reporting year: the calendar year, or its quality year), quarter or month (calendar)', true),
    ('period_kind_label', 'statistic', 'period_kind in the organisation''s language (sqm.label)', true),
    ('first_day', 'statistic', 'First day of the period', true),
    ('last_day', 'statistic', 'Last day of the period', true),
    ('previous_period', 'statistic', 'The period before, of the same kind: the rows of that period have period = this value', true),
    ('previous_first_day', 'statistic', 'First day of the period before', true),
    ('previous_last_day', 'statistic', 'Last day of the period before', true),
    ('follow_up_day', 'statistic',
     'The day the period''s cases are followed up: the last day of the month after the period (the status of 2024''s cases at the end of January 2025)', true),
    ('status_on', 'statistic',
     'The day the status is taken on: the follow-up day, or today while that day is still to come', true),
    ('today', 'statistic', 'The organisation''s current day (sqm.now() in its time zone)', true),
    ('complete', 'statistic', 'Whether the period is over (its last day is before today)', true),
    ('label_language', 'statistic', 'The organisation''s language (sv or en): the language of the label columns', true),
    ('attribution', 'statistic',
     'today: a case counts under the unit that holds it today (following merges and re-attributions since the case); as_it_was: under the unit it was recorded for, as the organisation was', true),
    ('attribution_label', 'statistic', 'attribution in the organisation''s language (sqm.label)', true),
    ('unit_id', 'statistic', 'The unit (sqm.unit) the row counts for', true),
    ('unit_kind', 'statistic', 'administration, department or unit', true),
    ('unit_kind_label', 'statistic', 'unit_kind in the organisation''s language (sqm.label)', true),
    ('unit_name', 'statistic',
     'The unit''s name: today''s under attribution today, else the one it had at the end of the period', true),
    ('unit_label', 'statistic',
     'The unit''s name, followed by its years of existence where another unit of the organisation has had the same name, e.g. "Avdelning Stöd och arbete (2025–)"', true),
    ('parent_id', 'statistic', 'The unit the row''s unit sat under (NULL at the top)', true),
    ('parent_name', 'statistic', 'The name of that unit', true),
    ('department_id', 'statistic', 'The department (unit kind department) the row''s unit is or sits under; NULL for the administration', true),
    ('department_name', 'statistic', 'The name of that department', true),
    ('unit_valid_from', 'statistic', 'The first day the unit existed', true),
    ('unit_valid_until', 'statistic', 'The last day the unit existed; NULL while it exists', true),
    ('unit_existed', 'statistic',
     'Whether the unit existed on at least one day of the period; where it did not, cases is NULL (published as "–") unless cases are attributed to it', true),
    ('unit_existed_previous', 'statistic', 'Whether the unit existed on at least one day of the period before', true),
    ('cases', 'statistic',
     'How many cases the row counts (the view''s comment says what a case is and which date places it in the period); NULL where the unit did not exist in the period and has none', true),
    ('previous_cases', 'statistic', 'cases in the period before (previous_period); NULL where the unit did not exist then and had none', true),
    ('counted_in_several_rows', 'statistic',
     'How many more times than once cases count in the per-row view (a case in three rows counts 2 here): the sum of the per-row view''s cases is cases + counted_in_several_rows', true),
    ('previous_counted_in_several_rows', 'statistic', 'counted_in_several_rows in the period before', true),
    ('cases_in_several_rows', 'statistic', 'How many of the cases count in more than one row', true),
    ('cases_in_no_row', 'statistic',
     'Cases of the period that count in no row of the per-row view (e.g. one without any code of the view''s kind); not part of cases', true),
    ('label', 'statistic', 'The row''s code in the organisation''s language (label_sv or label_en)', true),
    ('label_sv', 'statistic', 'The row''s code in Swedish', true),
    ('label_en', 'statistic', 'The row''s code in English', true);

-- ---------------------------------------------------------------------------
-- The statistics views: one row each, with its total view (where a per-row
-- view has one) and its title in sqm.label (kind stat_view, code: the view's
-- name).

CREATE TABLE sqm.stat_view (
    view_name   regclass PRIMARY KEY,
    kind        text,
    total_view  regclass,
    ord         integer GENERATED ALWAYS AS IDENTITY,
    builtin     boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE sqm.stat_view IS
  'The statistics views (tables of the yearly report), in the order registered: the lifecycle kind they count, and the view holding their totals (the sum of the per-row view''s cases is the total''s cases + counted_in_several_rows)';
COMMENT ON COLUMN sqm.stat_view.view_name IS 'The view';
COMMENT ON COLUMN sqm.stat_view.kind IS 'The lifecycle kind it counts (NULL: the core''s)';
COMMENT ON COLUMN sqm.stat_view.total_view IS 'The view holding its totals, keyed by the columns both share; NULL for a total view, a summary or a list';
COMMENT ON COLUMN sqm.stat_view.ord IS 'Order of registration';
REVOKE ALL ON sqm.stat_view FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('sqm.stat_view', 'WHERE NOT builtin');
SELECT sqm.classify('sqm.stat_view', '{"statistic": ["view_name", "kind", "total_view", "ord"], "internal": ["builtin"]}');
SELECT sqm.grant_privilege('core', 'SELECT ON sqm.stat_view', '{everyone}');

-- The columns of a total view that are counts, not keys.
CREATE FUNCTION sqm.stat_total_columns() RETURNS name[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN '{cases,counted_in_several_rows,cases_in_several_rows,cases_in_no_row,previous_cases,previous_counted_in_several_rows}'::name[];
COMMENT ON FUNCTION sqm.stat_total_columns() IS
  'The count columns of a total view; its other columns are the keys it shares with its per-row view';

-- Registers a statistics view: its comment and a comment on every column
-- (columns: a jsonb object from column name to its comment, or to
-- {"comment": …, "class": "internal"}, for the columns sqm.stat_column does
-- not describe), its column classes (statistic or internal only: refused
-- otherwise), no privileges for PUBLIC and SELECT for the readers, its title
-- in sqm.label, and its total view.  A column without a comment, and a total
-- view without the count columns or with a key the view lacks, are refused
-- (42P17), naming the view and the column.
CREATE FUNCTION sqm.register_stat_view(view regclass, kind text, label_sv text, label_en text, comment text,
                                       total regclass DEFAULT NULL, columns jsonb DEFAULT '{}')
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    col      record;
    spec     jsonb;
    note     text;
    cls      text;
    classes  jsonb := '{}';
    missing  text;
BEGIN
    IF view IS NULL OR label_sv IS NULL OR label_en IS NULL OR comment IS NULL THEN
        RAISE EXCEPTION 'sqm.register_stat_view needs the view, its titles in Swedish and English and its comment'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF (SELECT c.relkind FROM pg_class c WHERE c.oid = view) <> 'v' THEN
        RAISE EXCEPTION '% is not a view', view
            USING ERRCODE = 'wrong_object_type',
                  HINT = 'Register the statistics views of a kind, created WITH (security_invoker = true).';
    END IF;
    SELECT string_agg(format('"%s"', k), ', ') INTO missing
      FROM jsonb_object_keys(coalesce(columns, '{}')) k
     WHERE NOT EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = view AND a.attname = k AND a.attnum > 0);
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'view % has no column %', view, missing
            USING ERRCODE = 'undefined_column',
                  HINT = 'Describe the view''s own columns.';
    END IF;

    EXECUTE format('COMMENT ON VIEW %s IS %L', view, comment);
    FOR col IN SELECT a.attname FROM pg_attribute a
                WHERE a.attrelid = view AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum LOOP
        spec := columns -> col.attname::text;
        IF spec IS NOT NULL THEN
            note := CASE jsonb_typeof(spec) WHEN 'string' THEN spec #>> '{}' ELSE spec ->> 'comment' END;
            cls := coalesce(CASE WHEN jsonb_typeof(spec) = 'object' THEN spec ->> 'class' END, 'statistic');
        ELSE
            SELECT s.comment, s.class INTO note, cls FROM sqm.stat_column s WHERE s.column_name = col.attname;
        END IF;
        IF note IS NULL THEN
            RAISE EXCEPTION 'column "%" of statistics view % has no comment', col.attname, view
                USING ERRCODE = 'invalid_object_definition',
                      DETAIL = 'Every column of a statistics view says what it holds; sqm.stat_column describes the columns views share.',
                      HINT = 'Describe it in columns => ''{"column": "what it holds"}''.';
        END IF;
        IF cls NOT IN ('statistic', 'internal') THEN
            RAISE EXCEPTION 'column "%" of statistics view % cannot be of class %', col.attname, view, cls
                USING ERRCODE = 'invalid_object_definition',
                      DETAIL = 'Statistics views hold no personal data, free text, exact time or registry number.',
                      HINT = 'Show a day or a period instead of a moment, a count instead of a person.';
        END IF;
        EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', view, col.attname, note);
        classes := jsonb_set(classes, ARRAY[cls], coalesce(classes -> cls, '[]') || to_jsonb(col.attname::text));
    END LOOP;
    PERFORM sqm.classify(view, classes, kind, 'statistics');

    IF total IS NOT NULL THEN
        SELECT string_agg(format('"%s"', t.name), ', ') INTO missing
          FROM unnest('{cases,counted_in_several_rows,cases_in_several_rows,cases_in_no_row}'::name[]) t(name)
         WHERE NOT EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = total AND a.attname = t.name);
        IF missing IS NULL THEN
            SELECT string_agg(format('"%s"', a.attname), ', ') INTO missing
              FROM pg_attribute a
             WHERE a.attrelid = total AND a.attnum > 0 AND NOT a.attisdropped
               AND a.attname <> ALL (sqm.stat_total_columns())
               AND NOT EXISTS (SELECT FROM pg_attribute b WHERE b.attrelid = view AND b.attname = a.attname);
        END IF;
        IF missing IS NOT NULL OR NOT EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = view AND a.attname = 'cases') THEN
            RAISE EXCEPTION 'view % is no total of statistics view %', total, view
                USING ERRCODE = 'invalid_object_definition',
                      DETAIL = coalesce(format('It lacks %s.', missing), format('%s has no column "cases".', view)),
                      HINT = 'A total view has cases, counted_in_several_rows, cases_in_several_rows and cases_in_no_row, keyed by columns of the per-row view.';
        END IF;
    END IF;

    EXECUTE format('REVOKE ALL ON %s FROM PUBLIC', view);
    PERFORM sqm.grant_privilege(coalesce(kind, 'core'), format('SELECT ON %s', view), '{readers}');
    INSERT INTO sqm.stat_view (view_name, kind, total_view, builtin)
    VALUES (view, kind, total, sqm.extension_member(view));
    INSERT INTO sqm.label (kind, code, label_sv, label_en, builtin)
    VALUES ('stat_view', (SELECT c.relname FROM pg_class c WHERE c.oid = view), label_sv, label_en,
            sqm.extension_member(view));
END
$$;
COMMENT ON FUNCTION sqm.register_stat_view(regclass, text, text, text, text, regclass, jsonb) IS
  'Install scripts: register a statistics view — its comment and a comment on every column (from sqm.stat_column, or columns), its column classes (statistic or internal only), SELECT for the readers, its title in sqm.label (kind stat_view) and its total view; refuses an undescribed column or a total view that does not fit (42P17)';
REVOKE ALL ON FUNCTION sqm.register_stat_view(regclass, text, text, text, text, regclass, jsonb),
                       sqm.stat_total_columns() FROM PUBLIC;
SELECT sqm.grant_privilege('core', 'EXECUTE ON FUNCTION sqm.stat_total_columns()', '{everyone}');

-- ---------------------------------------------------------------------------
-- Periods.

-- The row of sqm.stat_period for any period of an organisation (no row for an
-- organisation the caller does not see).
CREATE FUNCTION sqm.stat_period_of(org bigint, p sqm.period)
RETURNS TABLE (org_id bigint, period text, period_kind text, period_kind_label text, first_day date, last_day date,
               previous_period text, previous_first_day date, previous_last_day date, follow_up_day date,
               today date, complete boolean, label_language text)
LANGUAGE sql STABLE PARALLEL SAFE ROWS 1
-- no SET clause: sqm.stat_periods calls it for every candidate period, and the
-- planner inlines it there (its body is bound when created, as a view's is,
-- so no search_path can change it)
BEGIN ATOMIC
    SELECT o.org_id, p::text, k.kind,
           CASE WHEN o.label_language OPERATOR(pg_catalog.=) 'en' THEN l.label_en ELSE l.label_sv END,
           sqm.first_day(p), sqm.last_day(p),
           sqm.prev(p)::text, sqm.first_day(sqm.prev(p)), sqm.last_day(sqm.prev(p)),
           (((sqm.last_day(p) OPERATOR(pg_catalog.+) 1) OPERATOR(pg_catalog.+) '1 month'::interval)::date
               OPERATOR(pg_catalog.-) 1),
           t.today, sqm.last_day(p) OPERATOR(pg_catalog.<) t.today, o.label_language
      FROM sqm.organisation o
     CROSS JOIN LATERAL (SELECT CASE WHEN sqm.period_kind(p) OPERATOR(pg_catalog.=) ANY ('{quarter,month}'::text[])
                                     THEN sqm.period_kind(p) ELSE 'year' END AS kind) k
     CROSS JOIN LATERAL (SELECT pg_catalog.timezone(o.time_zone, sqm.now())::date AS today) t
      LEFT JOIN sqm.label l ON l.kind OPERATOR(pg_catalog.=) 'period_kind' AND l.code OPERATOR(pg_catalog.=) k.kind
     WHERE o.org_id OPERATOR(pg_catalog.=) org;
END;
COMMENT ON FUNCTION sqm.stat_period_of(bigint, sqm.period) IS
  'The row sqm.stat_period has for a period of an organisation, for any period (a year or quality year is period_kind year)';

-- An organisation's periods: its reporting years (quality years), calendar
-- quarters and months, from the month its first unit began to today's.
-- Every statistics view reads them and keeps the ones its filter asks for,
-- so they are built in C (src/core/stat_periods.c): in PL/pgSQL they were a
-- third of one organisation's whole report (issue 15).  As the caller: no
-- rows for an organisation the caller does not see.
CREATE FUNCTION sqm.stat_periods(org bigint)
RETURNS TABLE (org_id bigint, period text, period_kind text, period_kind_label text, first_day date, last_day date,
               previous_period text, previous_first_day date, previous_last_day date, follow_up_day date,
               today date, complete boolean, label_language text)
LANGUAGE c STABLE STRICT PARALLEL SAFE ROWS 80
AS 'MODULE_PATHNAME', 'sqm_stat_periods';
COMMENT ON FUNCTION sqm.stat_periods(bigint) IS
  'An organisation''s periods (the rows of sqm.stat_period): its reporting years, calendar quarters and months, from the month its first unit began to today''s';

-- Each organisation's periods.  Its organisation id is the organisation
-- table's, so that a filter on org_id reads one organisation.
CREATE VIEW sqm.stat_period WITH (security_invoker = true) AS
SELECT o.org_id, x.period, x.period_kind, x.period_kind_label COLLATE sqm.swedish AS period_kind_label, x.first_day, x.last_day,
       x.previous_period, x.previous_first_day, x.previous_last_day, x.follow_up_day,
       x.today, x.complete, x.label_language
  FROM sqm.organisation o,
       LATERAL sqm.stat_periods(o.org_id) x
 ORDER BY o.org_id, x.first_day, x.last_day DESC;

SELECT sqm.register_stat_view('sqm.stat_period', NULL, 'Perioder', 'Periods',
  'Each organisation''s periods: its reporting years (quality years), calendar quarters and months, from the month its first unit began to today''s, with their first and last day; every statistics view has these period columns');

-- ---------------------------------------------------------------------------
-- Units.

-- Which unit holds a unit's cases of a day, on as_of: for each unit, its days
-- (ranges of the day a case counts on) and the unit they count under, by the
-- succession links that took effect after that day and by as_of — the same
-- answer as sqm.unit_attribution(org, unit, day, as_of), once per unit and
-- range instead of once per case.
CREATE FUNCTION sqm.unit_attribution_map(org bigint, as_of date)
RETURNS TABLE (unit_id bigint, days daterange, attributed_to bigint)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 30
SET search_path = pg_catalog, pg_temp
SET jit = off
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
        WITH RECURSIVE chain(unit_id, days, holder, effective, depth) AS (
            SELECT u.unit_id, '(,)'::pg_catalog.daterange, u.unit_id, '-infinity'::date, 0
              FROM sqm.unit u WHERE u.org_id OPERATOR(pg_catalog.=) org
            UNION ALL
            SELECT c.unit_id, c.days OPERATOR(pg_catalog.*) pg_catalog.daterange(NULL, s.effective), s.successor_id,
                   s.effective, c.depth OPERATOR(pg_catalog.+) 1
              FROM chain c
              JOIN sqm.unit_succession s ON s.org_id OPERATOR(pg_catalog.=) org
                                        AND s.predecessor_id OPERATOR(pg_catalog.=) c.holder AND s.carries_history
             WHERE s.effective OPERATOR(pg_catalog.<=) as_of AND s.effective OPERATOR(pg_catalog.>=) c.effective
               AND NOT pg_catalog.isempty(c.days OPERATOR(pg_catalog.*) pg_catalog.daterange(NULL, s.effective))
               AND c.depth OPERATOR(pg_catalog.<) 100
        )
        SELECT c.unit_id, c.days OPERATOR(pg_catalog.-) coalesce(n.days, 'empty'::pg_catalog.daterange), c.holder
          FROM chain c
          LEFT JOIN chain n ON n.unit_id OPERATOR(pg_catalog.=) c.unit_id
                           AND n.depth OPERATOR(pg_catalog.=) (c.depth OPERATOR(pg_catalog.+) 1)
         WHERE NOT pg_catalog.isempty(c.days OPERATOR(pg_catalog.-) coalesce(n.days, 'empty'::pg_catalog.daterange));
END
$$;
COMMENT ON FUNCTION sqm.unit_attribution_map(bigint, date) IS
  'For each unit of an organisation: ranges of days and the unit a case of that unit and day counts under on as_of (as sqm.unit_attribution, per range instead of per case)';

-- The units of an organisation as a per-unit table of a period shows them:
-- name (as of today under attribution today, else at the end of the period),
-- a label that tells apart units that have had the same name, parent and
-- department, lifetime, whether it existed in the period and the one before,
-- and whether it is listed even without cases (a unit of kind unit that
-- existed in the period and, under attribution today, still holds its own
-- history).  Departments and the administration are listed where cases count
-- under them.  In C (src/core/statistics.c): a per-unit view calls it once
-- per attribution and group, and as a PL/pgSQL query over a few dozen rows it
-- cost half a millisecond a call (issue 15).  As the caller: row-level
-- security applies.
CREATE FUNCTION sqm.stat_units(org bigint, first_day date, last_day date, previous_first date, previous_last date,
                               attribution text, today date, lang text)
RETURNS TABLE (unit_id bigint, unit_kind text, unit_kind_label text, unit_name text, unit_label text, parent_id bigint, parent_name text,
               department_id bigint, department_name text, unit_valid_from date, unit_valid_until date,
               unit_existed boolean, unit_existed_previous boolean, listed boolean)
LANGUAGE c STABLE PARALLEL SAFE ROWS 30
AS 'MODULE_PATHNAME', 'sqm_stat_units';
COMMENT ON FUNCTION sqm.stat_units(bigint, date, date, date, date, text, date, text) IS
  'The units of an organisation as a per-unit table of a period shows them (attribution today or as_it_was; labels in lang): kind, name, a label telling apart units that have had the same name, parent, department, lifetime, whether the unit existed in the period and the one before, and whether it is listed without cases';

-- ---------------------------------------------------------------------------
-- Arguments of the statistics functions.

-- The language of a statistics function's labels.  An organisation that does
-- not exist and one the caller is no member of are refused alike (42704):
-- authorisation before existence, so the error tells nothing about other
-- organisations; an unknown language is refused (22023).
CREATE FUNCTION sqm.stat_language(org bigint, lang text) RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    l  text;
BEGIN
    IF org IS NOT NULL AND (sqm.caller_is_superuser() OR sqm.is_member(org)) THEN
        SELECT o.label_language INTO l FROM sqm.organisation o WHERE o.org_id = org;
    END IF;
    IF l IS NULL THEN
        RAISE EXCEPTION 'organisation % does not exist', coalesce(org::text, 'NULL')
            USING ERRCODE = 'undefined_object',
                  DETAIL = format('No organisation %s is among those %s may read.', coalesce(org::text, 'NULL'), sqm.caller_role()),
                  HINT = 'sqm.stat_period lists the organisations whose statistics you may read.';
    END IF;
    IF lang IS NOT NULL AND lang NOT IN ('sv', 'en') THEN
        RAISE EXCEPTION 'unknown label language "%"', lang
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Labels exist in sv (Swedish) and en (English); NULL gives the organisation''s language.';
    END IF;
    RETURN coalesce(lang, l);
END
$$;
COMMENT ON FUNCTION sqm.stat_language(bigint, text) IS
  'Internal: checks the organisation (42704 alike for one that does not exist and one the caller is no member of) and the language (22023) of a statistics function; returns the language of its labels';

-- A period and an attribution as statistics functions take them.
CREATE FUNCTION sqm.stat_check(p sqm.period, attribution text DEFAULT 'today') RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF p IS NULL THEN
        RAISE EXCEPTION 'a statistics function needs a period'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give a year (2025), a quality year (2024/25@9), a quarter (2025Q1) or a month (2025-03).';
    END IF;
    IF attribution IS NULL OR attribution NOT IN ('today', 'as_it_was') THEN
        RAISE EXCEPTION 'unknown attribution "%"', attribution
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use today (counted under today''s units) or as_it_was (the organisation as it was in the period).';
    END IF;
END
$$;
COMMENT ON FUNCTION sqm.stat_check(sqm.period, text) IS
  'Internal: refuses (22023) a missing period or an unknown attribution of a statistics function';

REVOKE ALL ON FUNCTION sqm.stat_period_of(bigint, sqm.period), sqm.stat_periods(bigint), sqm.unit_attribution_map(bigint, date),
                       sqm.stat_units(bigint, date, date, date, date, text, date, text), sqm.stat_language(bigint, text),
                       sqm.stat_check(sqm.period, text)
    FROM PUBLIC;
-- the views call these as their reader (security_invoker): the readers may
SELECT sqm.grant_privilege('core', 'EXECUTE ON FUNCTION sqm.stat_period_of(bigint, sqm.period), sqm.stat_periods(bigint),
    sqm.unit_attribution_map(bigint, date), sqm.stat_units(bigint, date, date, date, date, text, date, text),
    sqm.stat_language(bigint, text), sqm.stat_check(sqm.period, text)', '{readers}');
