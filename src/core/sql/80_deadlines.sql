-- Deadlines (domain.md §4, doc/deadlines.md): rules as data, obligations
-- computed from them, and notifications of new reports and of obligations
-- that become due soon or overdue.
--
--   sqm.deadline_event    per kind, the events a clock can start or stop at
--                         (an SQL expression over the governed row o)
--   sqm.deadline_rule     start event → stop event, length and unit, legal or
--                         routine, the basis in force for a period
--   sqm.deadline_setting  an organisation's own length of a routine rule
--   sqm.closed_day        an organisation's own closed days (working days)
--   sqm.obligations()     one row per (object, rule) whose clock has started
--   sqm.outbox            durable notifications: new, due_soon, overdue
--
-- Events and rules are written only by the extension owner (no grants);
-- builtin rows come from each kind's kind.sql and are not dumped.

-- ---------------------------------------------------------------------------
-- Events.

CREATE TABLE sqm.deadline_event (
    kind        text NOT NULL REFERENCES sqm.lifecycle_kind,
    event       text NOT NULL CHECK (event OPERATOR(pg_catalog.~) '^[a-z][a-z0-9_]*$'),
    expression  text NOT NULL,
    label_sv    text NOT NULL,
    label_en    text NOT NULL,
    builtin     boolean NOT NULL DEFAULT false,
    -- the case the event is recorded on, when it is not the object itself:
    -- a column of o holding its id, and its kind (doc/deadlines.md)
    holder_column  text,
    holder_kind    text REFERENCES sqm.lifecycle_kind,
    -- a date column of o holding the event's day in the organisation's time
    -- zone, where the kind stores it: a period's obligations are then read
    -- through an index range on it (doc/deadlines.md)
    day_column     text,
    PRIMARY KEY (kind, event),
    CHECK ((holder_column IS NULL) OPERATOR(pg_catalog.=) (holder_kind IS NULL))
);
COMMENT ON TABLE sqm.deadline_event IS
  'Events a deadline clock can start or stop at, per lifecycle kind: an SQL expression of type timestamptz over the governed row aliased o (a column, or a sub-select reaching another governed table) and its organisation aliased g (org_id, time_zone, closed: its closed days); NULL while the event has not happened. Its holder is the case the event is recorded on: the object itself, or the case of holder_kind whose id is in o.holder_column';
COMMENT ON COLUMN sqm.deadline_event.expression IS
  'timestamptz expression over the kind''s governed table aliased o and its organisation aliased g (org_id, time_zone, closed); checked by preparing a query when written';
COMMENT ON COLUMN sqm.deadline_event.holder_column IS
  'For an event recorded on another case (e.g. the case another case is assigned to): the bigint column of o holding that case''s id; NULL: the event is recorded on o itself. Once the holder is in a terminal state the event can no longer happen (an obligation waiting for it lapses), and an open obligation is found from the holders that are not';
COMMENT ON COLUMN sqm.deadline_event.holder_kind IS 'The lifecycle kind of the case holder_column names';
COMMENT ON COLUMN sqm.deadline_event.day_column IS
  'Optional: a date column of o that holds the day of the event in the organisation''s time zone (e.g. a due date whose first moment is the event); the statistics of a period read the obligations starting at the event through an index range on (org_id, that column). NULL: no such column';
SELECT pg_catalog.pg_extension_config_dump('sqm.deadline_event', 'WHERE NOT builtin');

-- Prepare a query over a kind's governed table, aliased o, and return the
-- type of its single column; errors keep their SQLSTATE and name the object.
CREATE FUNCTION sqm.deadline_check_sql(kind text, what text, select_list text, condition text DEFAULT NULL)
RETURNS regtype
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tbl  regclass;
    typ  regtype;
BEGIN
    SELECT k.governed_table INTO tbl FROM sqm.lifecycle_kind k WHERE k.kind = deadline_check_sql.kind;
    IF tbl IS NULL THEN
        RAISE EXCEPTION '%: unknown kind "%"', what, kind
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    -- parsed and planned, never run over a row: the left join keeps one row
    -- whose column still has the expression's type.  g is the organisation
    -- as sqm.obligations_sql joins it (its id, time zone and closed days).
    BEGIN
        EXECUTE format('SELECT pg_catalog.pg_typeof(x.v)::pg_catalog.regtype
                          FROM (SELECT 1) d
                          LEFT JOIN (SELECT (%s) AS v
                                       FROM %s o
                                      CROSS JOIN (SELECT NULL::bigint AS org_id, NULL::text AS time_zone,
                                                         NULL::date[] AS closed) g
                                      WHERE (%s)) x ON false',
                       select_list, tbl, coalesce(condition, 'true'))
           INTO typ;
    EXCEPTION WHEN OTHERS THEN
        RAISE EXCEPTION '%: the expression does not compile over % o: %', what, tbl, SQLERRM
            USING ERRCODE = SQLSTATE;
    END;
    RETURN typ;
END
$$;
COMMENT ON FUNCTION sqm.deadline_check_sql(text, text, text, text) IS
  'Internal: compile SELECT (select_list) FROM <governed table of kind> o, <its organisation> g WHERE (condition) and return the result type; an error keeps its SQLSTATE (42703, 42601, …) with a message naming what was checked';

CREATE FUNCTION sqm.deadline_event_check() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    typ  regtype;
BEGIN
    typ := sqm.deadline_check_sql(NEW.kind, format('deadline event "%s" of kind %s', NEW.event, NEW.kind), NEW.expression);
    IF typ IS DISTINCT FROM 'timestamptz'::regtype THEN
        RAISE EXCEPTION 'deadline event "%" of kind %: the expression is of type %, not timestamptz', NEW.event, NEW.kind, typ
            USING ERRCODE = 'datatype_mismatch',
                  HINT = 'Convert a date to the moment it starts in the organisation''s time zone.';
    END IF;
    IF (NEW.holder_column IS NULL) <> (NEW.holder_kind IS NULL) THEN
        RAISE EXCEPTION 'deadline event "%" of kind %: a holder is given by its column and its kind, not by one of them',
                        NEW.event, NEW.kind
            USING ERRCODE = 'check_violation',
                  HINT = 'Give both holder_column and holder_kind, or neither (the event is recorded on the object itself).';
    END IF;
    IF NEW.holder_column IS NOT NULL THEN
        typ := sqm.deadline_check_sql(NEW.kind, format('deadline event "%s" of kind %s: its holder column', NEW.event, NEW.kind),
                                      format('o.%I', NEW.holder_column));
        IF typ IS DISTINCT FROM 'bigint'::regtype THEN
            RAISE EXCEPTION 'deadline event "%" of kind %: the holder column "%" is of type %, not bigint',
                            NEW.event, NEW.kind, NEW.holder_column, typ
                USING ERRCODE = 'datatype_mismatch',
                      HINT = 'The holder column holds the id of the case the event is recorded on.';
        END IF;
        IF (SELECT k.governed_table FROM sqm.lifecycle_kind k WHERE k.kind = NEW.holder_kind) IS NULL THEN
            RAISE EXCEPTION 'deadline event "%" of kind %: the holder kind "%" has no governed table', NEW.event, NEW.kind,
                            NEW.holder_kind
                USING ERRCODE = 'foreign_key_violation',
                      HINT = 'Name the lifecycle kind whose case the holder column points to.';
        END IF;
    END IF;
    IF NEW.day_column IS NOT NULL THEN
        typ := sqm.deadline_check_sql(NEW.kind, format('deadline event "%s" of kind %s: its day column', NEW.event, NEW.kind),
                                      format('o.%I', NEW.day_column));
        IF typ IS DISTINCT FROM 'date'::regtype THEN
            RAISE EXCEPTION 'deadline event "%" of kind %: the day column "%" is of type %, not date',
                            NEW.event, NEW.kind, NEW.day_column, typ
                USING ERRCODE = 'datatype_mismatch',
                      HINT = 'The day column holds the day of the event in the organisation''s time zone.';
        END IF;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION sqm.deadline_event_check() IS
  'Trigger: a deadline event''s expression compiles over its kind''s governed table (aliased o) and is a timestamptz; a holder column is a bigint column of that table and the holder kind has a governed table; a day column is a date column of that table';
CREATE TRIGGER deadline_event_check BEFORE INSERT OR UPDATE ON sqm.deadline_event
    FOR EACH ROW EXECUTE FUNCTION sqm.deadline_event_check();
-- the engine's query is written from the events (src/core/obligations.c keeps it)
CREATE TRIGGER deadline_invalidate AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sqm.deadline_event
    FOR EACH STATEMENT EXECUTE FUNCTION sqm.lifecycle_invalidate();

-- ---------------------------------------------------------------------------
-- Rules.

CREATE TABLE sqm.deadline_rule (
    rule         text NOT NULL CHECK (rule OPERATOR(pg_catalog.~) '^[a-z][a-z0-9_]*$'),
    kind         text NOT NULL,
    start_event  text NOT NULL,
    stop_event   text NOT NULL,
    applies      text,
    length       integer NOT NULL,
    unit         text NOT NULL,
    legal        boolean NOT NULL DEFAULT false,
    basis        text NOT NULL,
    basis_valid  daterange NOT NULL DEFAULT '(,)' CHECK (NOT pg_catalog.isempty(basis_valid)),
    warning      interval NOT NULL DEFAULT '0' CHECK (warning OPERATOR(pg_catalog.>=) '0'::interval),
    label_sv     text NOT NULL,
    label_en     text NOT NULL,
    builtin      boolean NOT NULL DEFAULT false,
    PRIMARY KEY (rule, basis_valid),
    FOREIGN KEY (kind, start_event) REFERENCES sqm.deadline_event,
    FOREIGN KEY (kind, stop_event) REFERENCES sqm.deadline_event
);
COMMENT ON TABLE sqm.deadline_rule IS
  'Deadline rules (domain.md §4): from a start event to a stop event of a kind, a length and unit, legal (fixed, with its basis) or routine (the organisation may set its own length, sqm.deadline_setting; this length is the documented default); one row per basis, in force for basis_valid (by the start event''s local date), never two at once';
COMMENT ON COLUMN sqm.deadline_rule.applies IS 'Optional condition over the governed row o (and its organisation g): the rule applies only where it is true';
COMMENT ON COLUMN sqm.deadline_rule.unit IS 'hours, calendar_days, working_days, months or end_of_next_quarter (sqm.deadline_due)';
COMMENT ON COLUMN sqm.deadline_rule.legal IS 'A legal limit (fixed) rather than a routine target (the organisation''s setting)';
COMMENT ON COLUMN sqm.deadline_rule.basis IS 'The law, agreement or routine the rule rests on, as cited';
COMMENT ON COLUMN sqm.deadline_rule.basis_valid IS 'The start-event dates (organisation''s time zone) this row applies to';
COMMENT ON COLUMN sqm.deadline_rule.warning IS 'Lead time: an open obligation is due_soon from due_at - warning';
SELECT pg_catalog.pg_extension_config_dump('sqm.deadline_rule', 'WHERE NOT builtin');

CREATE FUNCTION sqm.deadline_unit_check(length integer, unit text, what text) RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF length IS NULL OR length < 0 THEN
        RAISE EXCEPTION '%: the length must be 0 or more, not %', what, coalesce(length::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF unit IS NULL OR unit NOT IN ('hours', 'calendar_days', 'working_days', 'months', 'end_of_next_quarter') THEN
        RAISE EXCEPTION '%: unknown unit "%"', what, unit
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'The units are hours, calendar_days, working_days, months and end_of_next_quarter.';
    END IF;
    IF unit = 'end_of_next_quarter' AND length <> 1 THEN
        RAISE EXCEPTION '%: end_of_next_quarter has length 1', what
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
END
$$;
COMMENT ON FUNCTION sqm.deadline_unit_check(integer, text, text) IS
  'Internal: refuse (22023) a negative length or an unknown unit of a deadline';

CREATE FUNCTION sqm.deadline_rule_check() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    what   text := format('deadline rule "%s"', NEW.rule);
    other  record;
    ev     text;
BEGIN
    PERFORM sqm.deadline_unit_check(NEW.length, NEW.unit, what);
    IF NOT EXISTS (SELECT FROM sqm.lifecycle_kind k WHERE k.kind = NEW.kind) THEN
        RAISE EXCEPTION '%: unknown kind "%"', what, NEW.kind
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    FOREACH ev IN ARRAY ARRAY[NEW.start_event, NEW.stop_event] LOOP
        IF NOT EXISTS (SELECT FROM sqm.deadline_event e WHERE e.kind = NEW.kind AND e.event = ev) THEN
            RAISE EXCEPTION '%: kind % has no event "%"', what, NEW.kind, ev
                USING ERRCODE = 'foreign_key_violation',
                      HINT = format('Its events: %s.', (SELECT string_agg(e.event, ', ' ORDER BY e.event)
                                                          FROM sqm.deadline_event e WHERE e.kind = NEW.kind));
        END IF;
    END LOOP;
    IF NEW.start_event = NEW.stop_event THEN
        RAISE EXCEPTION '%: the clock cannot start and stop at the same event', what
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NEW.applies IS NOT NULL THEN
        PERFORM sqm.deadline_check_sql(NEW.kind, what || ': its condition', 'true', NEW.applies);
    END IF;
    -- one basis in force at a time; every row of a rule is the same clock
    LOCK TABLE sqm.deadline_rule IN SHARE ROW EXCLUSIVE MODE;
    FOR other IN SELECT * FROM sqm.deadline_rule d
                  WHERE d.rule = NEW.rule
                    AND (TG_OP = 'INSERT' OR (d.rule, d.basis_valid) <> (OLD.rule, OLD.basis_valid)) LOOP
        IF other.basis_valid && NEW.basis_valid THEN
            RAISE EXCEPTION '%: the basis valid % overlaps the basis valid %', what, NEW.basis_valid, other.basis_valid
                USING ERRCODE = 'exclusion_violation',
                      HINT = 'End the basis in force before the next one starts.';
        END IF;
        IF (other.kind, other.start_event, other.stop_event, other.legal, other.applies)
           IS DISTINCT FROM (NEW.kind, NEW.start_event, NEW.stop_event, NEW.legal, NEW.applies) THEN
            RAISE EXCEPTION '%: every basis of a rule has the same kind, events, condition and legal status', what
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'A different clock is a different rule.';
        END IF;
    END LOOP;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION sqm.deadline_rule_check() IS
  'Trigger: a deadline rule has a length >= 0 and a known unit (22023), events of its kind (23503), a condition that compiles (its SQLSTATE), and one basis in force at a time (23P01)';
CREATE TRIGGER deadline_rule_check BEFORE INSERT OR UPDATE ON sqm.deadline_rule
    FOR EACH ROW EXECUTE FUNCTION sqm.deadline_rule_check();
-- ... and the rules
CREATE TRIGGER deadline_invalidate AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sqm.deadline_rule
    FOR EACH STATEMENT EXECUTE FUNCTION sqm.lifecycle_invalidate();

-- ---------------------------------------------------------------------------
-- Organisation settings: own lengths of routine rules, own closed days.

CREATE TABLE sqm.deadline_setting (
    org_id  bigint NOT NULL REFERENCES sqm.organisation,
    rule    text NOT NULL,
    length  integer NOT NULL,
    unit    text NOT NULL,
    PRIMARY KEY (org_id, rule)
);
COMMENT ON TABLE sqm.deadline_setting IS
  'An organisation''s own length of a routine deadline rule (sqm.set_deadline); without a row the rule''s documented default applies. Legal rules cannot be set';
SELECT pg_catalog.pg_extension_config_dump('sqm.deadline_setting', '');

CREATE FUNCTION sqm.deadline_setting_check() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.deadline_unit_check(NEW.length, NEW.unit, format('deadline setting of rule "%s"', NEW.rule));
    IF NOT EXISTS (SELECT FROM sqm.deadline_rule d WHERE d.rule = NEW.rule) THEN
        RAISE EXCEPTION 'unknown deadline rule "%"', NEW.rule
            USING ERRCODE = 'foreign_key_violation',
                  HINT = 'sqm.deadline_rule lists the rules.';
    END IF;
    IF EXISTS (SELECT FROM sqm.deadline_rule d WHERE d.rule = NEW.rule AND d.legal) THEN
        RAISE EXCEPTION 'deadline rule "%" is a legal limit; an organisation cannot change it', NEW.rule
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('Basis: %s.', (SELECT string_agg(d.basis, '; ' ORDER BY lower(d.basis_valid) NULLS FIRST)
                                                  FROM sqm.deadline_rule d WHERE d.rule = NEW.rule)),
                  HINT = 'Only routine rules have organisation settings.';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION sqm.deadline_setting_check() IS
  'Trigger: a deadline setting names a routine rule (23503 unknown, 55000 legal) with a length >= 0 and a known unit (22023)';
CREATE TRIGGER deadline_setting_check BEFORE INSERT OR UPDATE ON sqm.deadline_setting
    FOR EACH ROW EXECUTE FUNCTION sqm.deadline_setting_check();

CREATE TABLE sqm.closed_day (
    org_id  bigint NOT NULL REFERENCES sqm.organisation,
    day     date NOT NULL,
    reason  text NOT NULL CHECK (pg_catalog.btrim(reason) OPERATOR(pg_catalog.<>) ''),
    PRIMARY KEY (org_id, day)
);
COMMENT ON TABLE sqm.closed_day IS
  'Days an organisation is closed besides weekends, public holidays and the de-facto eves (e.g. a klämdag); they are not working days for its deadlines';
SELECT pg_catalog.pg_extension_config_dump('sqm.closed_day', '');

SELECT sqm.classify('sqm.deadline_event', '{"statistic": ["kind", "event", "label_sv", "label_en"],
    "internal": ["expression", "builtin", "holder_column", "holder_kind", "day_column"]}');
SELECT sqm.classify('sqm.deadline_rule', '{"statistic": ["rule", "kind", "length", "unit", "legal", "basis", "basis_valid",
    "label_sv", "label_en"], "internal": ["start_event", "stop_event", "applies", "warning", "builtin"]}');
SELECT sqm.classify('sqm.deadline_setting', '{"internal": ["org_id"], "statistic": ["rule", "length", "unit"]}');
SELECT sqm.classify('sqm.closed_day', '{"internal": ["org_id"], "statistic": ["day"], "free_text": ["reason"]}');

REVOKE ALL ON sqm.deadline_event, sqm.deadline_rule, sqm.deadline_setting, sqm.closed_day FROM PUBLIC;
ALTER TABLE sqm.deadline_setting ENABLE ROW LEVEL SECURITY;
ALTER TABLE sqm.closed_day ENABLE ROW LEVEL SECURITY;
CREATE POLICY deadline_setting_member ON sqm.deadline_setting FOR SELECT USING (sqm.is_member(org_id));
CREATE POLICY closed_day_member ON sqm.closed_day FOR SELECT USING (sqm.is_member(org_id));
COMMENT ON POLICY deadline_setting_member ON sqm.deadline_setting IS 'Members see their organisations'' deadline settings';
COMMENT ON POLICY closed_day_member ON sqm.closed_day IS 'Members see their organisations'' closed days';

CREATE FUNCTION sqm.set_deadline(org bigint, rule text, length integer, unit text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.authorize(org, NULL, 'manage_taxonomy', format('set the deadlines of organisation %s', org));
    IF length IS NULL THEN
        DELETE FROM sqm.deadline_setting s WHERE s.org_id = org AND s.rule = set_deadline.rule;
        RETURN;
    END IF;
    INSERT INTO sqm.deadline_setting (org_id, rule, length, unit)
    VALUES (org, rule, length,
            coalesce(unit, (SELECT d.unit FROM sqm.deadline_rule d WHERE d.rule = set_deadline.rule
                             ORDER BY lower(d.basis_valid) DESC NULLS LAST LIMIT 1), 'calendar_days'))
    ON CONFLICT ON CONSTRAINT deadline_setting_pkey DO UPDATE SET length = EXCLUDED.length, unit = EXCLUDED.unit;
END
$$;
COMMENT ON FUNCTION sqm.set_deadline(bigint, text, integer, text) IS
  'Set an organisation''s own length (and unit, default the rule''s) of a routine deadline rule; NULL length restores the default. Quality coordinators (manage_taxonomy). 22023 bad length or unit, 23503 unknown rule, 55000 a legal rule';

CREATE FUNCTION sqm.add_closed_day(org bigint, day date, reason text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.authorize(org, NULL, 'manage_taxonomy', format('set the closed days of organisation %s', org));
    IF day IS NULL OR reason IS NULL OR btrim(reason) = '' THEN
        RAISE EXCEPTION 'a closed day needs its date and a reason'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO sqm.closed_day (org_id, day, reason) VALUES (org, day, btrim(reason))
    ON CONFLICT ON CONSTRAINT closed_day_pkey DO UPDATE SET reason = EXCLUDED.reason;
END
$$;
COMMENT ON FUNCTION sqm.add_closed_day(bigint, date, text) IS
  'Add a day the organisation is closed (not a working day for its deadlines), with the reason; quality coordinators';

CREATE FUNCTION sqm.remove_closed_day(org bigint, day date)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.authorize(org, NULL, 'manage_taxonomy', format('set the closed days of organisation %s', org));
    DELETE FROM sqm.closed_day c WHERE c.org_id = org AND c.day = remove_closed_day.day;
END
$$;
COMMENT ON FUNCTION sqm.remove_closed_day(bigint, date) IS 'Remove one of the organisation''s closed days; quality coordinators';

-- The query of sqm.obligations: one UNION ALL branch per rule row (two for
-- open obligations whose stop event is recorded on another case), the kind
-- and rule filters applied here; $1 org, $2 unit, $3 and $4 the range of
-- start moments [$3, $4) (NULL: open), a range on the start column's index
-- where it has one (the statistics of a period: sqm.stat_obligations).
-- With period, $1, $3 and $4 are given, and the query says so (no "$n IS
-- NULL OR"): a plan prepared once for any values (a generic plan, kept by
-- sqm.obligations_period) still reads the organisation's range of start
-- moments through the indexes.
--
-- An obligation lapses when the case its stop event is recorded on (the
-- event's holder: the object itself, or the case o.holder_column names) is
-- in a terminal state and the event has not happened: it can no longer
-- happen (a case withdrawn before the move that stops its clock, or the
-- case holding the event closed without it; doc/deadlines.md).  So the open
-- obligations -- open_only, and what the sweep announces -- are found from
-- the cases that are not final, through the partial indexes each kind keeps
-- on them (and on its stop columns), never from the history of closed ones:
-- the stop event is evaluated only for those (issue 15: over 300
-- organisations and ten years, 0.1 % of the cases open).  The organisation's
-- own lengths of routine rules (sqm.deadline_setting) come with its row of
-- orgs, looked up there, not joined per branch: the planner, expecting few
-- open items, rescanned the settings once per open item.
CREATE FUNCTION sqm.obligations_sql(kind text DEFAULT NULL, rule text DEFAULT NULL, open_only boolean DEFAULT false,
                                     period boolean DEFAULT false)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r         record;
    branches  text[] := '{}';
    head      text;
    tail      text;
    final     text;
    via       text;
    -- what a NULL $1, $3 or $4 means (no filter), unless period says they are given
    any_org   text := CASE WHEN period THEN '' ELSE '$1::bigint IS NULL OR ' END;
    any_from  text := CASE WHEN period THEN '' ELSE '$3::timestamptz IS NULL OR ' END;
    any_to    text := CASE WHEN period THEN '' ELSE '$4::timestamptz IS NULL OR ' END;
    -- how a branch meets its organisation's row of orgs: joined (every
    -- obligation: a hash or merge join over the cases read), or, for the
    -- open ones, per organisation -- a subquery the planner may not flatten
    -- (OFFSET 0), run once for each row of orgs through the kind's partial
    -- index on the cases that are not final.  Joined, the planner estimated
    -- the open cases of a rule as one row ("not final" and "stop event
    -- missing" taken as independent, 2 500 at national scale) and rescanned
    -- every organisation's row once per case (doc/deadlines.md).
    by_org    text := E'\n  JOIN orgs g ON g.org_id OPERATOR(pg_catalog.=) o.org_id';
    per_org   text := E'SELECT b.* FROM orgs g CROSS JOIN LATERAL (\n%s\n   AND o.org_id OPERATOR(pg_catalog.=) g.org_id\n OFFSET 0) b';
BEGIN
    FOR r IN SELECT d.*, k.governed_table, s.expression AS start_expr, s.day_column AS start_day, t.expression AS stop_expr,
                    t.holder_column, h.governed_table AS holder_table,
                    coalesce((SELECT pg_catalog.array_agg(x.state ORDER BY x.state) FROM sqm.lifecycle_state x
                               WHERE x.kind = d.kind AND x.terminal), '{}') AS final_states,
                    coalesce((SELECT pg_catalog.array_agg(x.state ORDER BY x.state) FROM sqm.lifecycle_state x
                               WHERE x.kind = t.holder_kind AND x.terminal), '{}') AS holder_final_states
               FROM sqm.deadline_rule d
               JOIN sqm.lifecycle_kind k ON k.kind = d.kind
               JOIN sqm.deadline_event s ON s.kind = d.kind AND s.event = d.start_event
               JOIN sqm.deadline_event t ON t.kind = d.kind AND t.event = d.stop_event
               LEFT JOIN sqm.lifecycle_kind h ON h.kind = t.holder_kind
              WHERE (obligations_sql.kind IS NULL OR d.kind = obligations_sql.kind)
                AND (obligations_sql.rule IS NULL OR d.rule = obligations_sql.rule)
              ORDER BY d.rule, lower(d.basis_valid) NULLS FIRST LOOP
        -- the select list up to the final flag (%s), and everything after the FROM clause
        head := format(
$q$SELECT o.org_id, %1$L::text AS kind, o.id AS object_id, o.unit_id, %2$L::text AS rule, %3$L::boolean AS legal,
       %4$L::text AS basis, (%5$s) AS started_at, (%6$s) AS stopped_at, %7$s AS length, %8$s AS unit,
       %9$L::interval AS warning, g.time_zone, g.closed, $q$,
            r.kind, r.rule, r.legal, r.basis, r.start_expr, r.stop_expr,
            CASE WHEN r.legal THEN r.length::text
                 ELSE format($f$COALESCE((g.settings OPERATOR(pg_catalog.->) %L OPERATOR(pg_catalog.->>) 'length')::integer, %s)$f$,
                             r.rule, r.length) END,
            CASE WHEN r.legal THEN quote_literal(r.unit) || '::text'
                 ELSE format($f$COALESCE(g.settings OPERATOR(pg_catalog.->) %L OPERATOR(pg_catalog.->>) 'unit', %L::text)$f$,
                             r.rule, r.unit) END,
            r.warning);
        tail := format(
$q$
 WHERE (%6$so.org_id OPERATOR(pg_catalog.=) $1)
   AND ($2::bigint IS NULL OR o.unit_id OPERATOR(pg_catalog.=) $2)
   AND ((%1$s) IS NOT NULL)
   AND (%7$s(%1$s) OPERATOR(pg_catalog.>=) $3)
   AND (%8$s(%1$s) OPERATOR(pg_catalog.<) $4)%5$s%2$s%3$s%4$s$q$,
            r.start_expr,
            CASE WHEN r.applies IS NULL THEN '' ELSE format(E'\n   AND (%s)', r.applies) END,
            CASE WHEN NOT open_only THEN '' ELSE format(E'\n   AND (%s) IS NULL', r.stop_expr) END,
            CASE WHEN lower_inf(r.basis_valid) AND upper_inf(r.basis_valid) THEN ''
                 ELSE format(E'\n   AND ((%s) AT TIME ZONE g.time_zone)::date OPERATOR(pg_catalog.<@) %L::daterange',
                             r.start_expr, r.basis_valid) END,
            -- the start event's stored local day, where the kind keeps one:
            -- its days from that of $3 to that of $4 hold every moment in
            -- [$3, $4) (a moment's local day never decreases with it), so
            -- this only adds an index range to the exact test above
            CASE WHEN r.start_day IS NULL THEN ''
                 ELSE format(E'\n   AND (%2$so.%1$I OPERATOR(pg_catalog.>=) ($3::timestamptz AT TIME ZONE g.time_zone)::date)'
                             || E'\n   AND (%3$so.%1$I OPERATOR(pg_catalog.<=) ($4::timestamptz AT TIME ZONE g.time_zone)::date)',
                             r.start_day, any_from, any_to) END,
            any_org, any_from, any_to);
        IF r.holder_column IS NULL AND NOT open_only THEN
            branches := branches || (head || format('o.state OPERATOR(pg_catalog.=) ANY (%L::text[]) AS final', r.final_states)
                                     || format(E'\n  FROM %s o', r.governed_table) || by_org || tail);
        ELSIF r.holder_column IS NULL THEN
            -- the objects that are not final (each kind's partial indexes)
            branches := branches || format(per_org, head || 'false AS final' || format(E'\n  FROM %s o', r.governed_table) || tail
                                     || format(E'\n   AND o.state OPERATOR(pg_catalog.<>) ALL (%L::text[])', r.final_states));
        ELSIF NOT open_only THEN
            via := format('h.org_id OPERATOR(pg_catalog.=) o.org_id AND h.id OPERATOR(pg_catalog.=) o.%I', r.holder_column);
            final := format('CASE WHEN o.%1$I IS NULL THEN o.state OPERATOR(pg_catalog.=) ANY (%2$L::text[])
            ELSE COALESCE(h.state OPERATOR(pg_catalog.=) ANY (%3$L::text[]), false) END AS final',
                            r.holder_column, r.final_states, r.holder_final_states);
            branches := branches || (head || final
                                     || format(E'\n  FROM %s o\n  LEFT JOIN %s h ON %s', r.governed_table, r.holder_table, via)
                                     || by_org || tail);
        ELSE
            -- not yet linked to its holder, and not final itself ...
            branches := branches || format(per_org, head || 'false AS final' || format(E'\n  FROM %s o', r.governed_table) || tail
                                     || format(E'\n   AND o.%I IS NULL AND o.state OPERATOR(pg_catalog.<>) ALL (%L::text[])',
                                               r.holder_column, r.final_states));
            -- ... or linked to a holder that is not final
            branches := branches || format(per_org, head || 'false AS final'
                                     || format(E'\n  FROM %s h\n  JOIN %s o ON h.org_id OPERATOR(pg_catalog.=) o.org_id AND h.id OPERATOR(pg_catalog.=) o.%I',
                                               r.holder_table, r.governed_table, r.holder_column)
                                     || tail
                                     || format(E'\n   AND h.state OPERATOR(pg_catalog.<>) ALL (%L::text[])', r.holder_final_states));
        END IF;
    END LOOP;
    IF cardinality(branches) = 0 THEN
        RETURN NULL;
    END IF;
    RETURN format(
$q$WITH orgs AS MATERIALIZED (
    SELECT g.org_id, g.time_zone,
           COALESCE((SELECT pg_catalog.array_agg(c.day) FROM sqm.closed_day c
                                 WHERE c.org_id OPERATOR(pg_catalog.=) g.org_id), '{}'::date[]) AS closed,
           (SELECT pg_catalog.jsonb_object_agg(s.rule, pg_catalog.jsonb_build_object('length', s.length, 'unit', s.unit))
              FROM sqm.deadline_setting s WHERE s.org_id OPERATOR(pg_catalog.=) g.org_id) AS settings
      FROM sqm.organisation g
     WHERE %sg.org_id OPERATOR(pg_catalog.=) $1)
SELECT x.org_id, x.kind, x.object_id, x.unit_id, x.rule, x.legal, x.basis, x.started_at, x.due_at, x.stopped_at,
       CASE WHEN x.stopped_at IS NOT NULL
            THEN CASE WHEN x.stopped_at OPERATOR(pg_catalog.<=) x.due_at THEN 'met' ELSE 'met_late' END
            WHEN x.final THEN 'lapsed'
            WHEN sqm.now() OPERATOR(pg_catalog.>=) x.due_at THEN 'overdue'
            WHEN sqm.now() OPERATOR(pg_catalog.>=) (x.due_at OPERATOR(pg_catalog.-) x.warning) THEN 'due_soon'
            ELSE 'due' END
  FROM (SELECT y.*, sqm.deadline_due(y.started_at, y.length, y.unit, y.time_zone, true, y.closed) AS due_at
          FROM (
%s
          ) y OFFSET 0) x$q$, any_org, array_to_string(branches, E'\nUNION ALL\n'));
END
$$;
COMMENT ON FUNCTION sqm.obligations_sql(text, text, boolean, boolean) IS
  'Internal: the query sqm.obligations runs, built from sqm.deadline_rule, sqm.deadline_event and the terminal states of the lifecycles ($1 organisation, $2 unit, [$3, $4) the start moments, NULL: any); open_only reads only the cases that are not final; period: $1, $3 and $4 are given (sqm.obligations_period); NULL when no rule matches';

-- plpgsql cannot take parameters named like its result columns (kind, rule):
-- the work is done here, sqm.obligations is its SQL face.
CREATE FUNCTION sqm.obligations_run(q_org bigint, q_unit bigint, q_kind text, q_rule text, q_open boolean,
                                    q_started_from timestamptz DEFAULT NULL, q_started_before timestamptz DEFAULT NULL)
RETURNS TABLE (r_org_id bigint, r_kind text, r_object_id bigint, r_unit_id bigint, r_rule text, r_legal boolean,
               r_basis text, r_started_at timestamptz, r_due_at timestamptz, r_stopped_at timestamptz, r_status text)
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
-- one branch per rule: over many organisations the planner's cost crosses
-- the JIT thresholds, and compiling took 90 % of the time (design.md §3b)
SET jit = off
AS $$
DECLARE
    q  text;
BEGIN
    IF q_open AND q_started_from IS NULL AND q_started_before IS NULL THEN
        -- planned once per backend; a kind or rule only filters the rows
        RETURN QUERY SELECT * FROM sqm.obligations_open(q_org, q_unit) o
                      WHERE (q_kind IS NULL OR o.kind = q_kind) AND (q_rule IS NULL OR o.rule = q_rule);
        RETURN;
    END IF;
    q := sqm.obligations_sql(q_kind, q_rule, coalesce(q_open, false));
    IF q IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY EXECUTE q USING q_org, q_unit, q_started_from, q_started_before;
END
$$;
COMMENT ON FUNCTION sqm.obligations_run(bigint, bigint, text, text, boolean, timestamptz, timestamptz) IS
  'Internal: runs the query of sqm.obligations (SECURITY INVOKER), optionally only the obligations whose clock started in [q_started_from, q_started_before)';

-- The obligations of one organisation whose clock started in a period, for
-- the statistics (sqm.stat_obligations): the same query in its period form,
-- written and planned once per backend (src/core/obligations.c) instead of
-- in every call.
CREATE FUNCTION sqm.obligations_period(org bigint, started_from timestamptz, started_before timestamptz)
RETURNS TABLE (org_id bigint, kind text, object_id bigint, unit_id bigint, rule text, legal boolean, basis text,
               started_at timestamptz, due_at timestamptz, stopped_at timestamptz, status text)
  AS 'MODULE_PATHNAME', 'sqm_obligations_period'
  LANGUAGE C STABLE STRICT ROWS 1000;
COMMENT ON FUNCTION sqm.obligations_period(bigint, timestamptz, timestamptz) IS
  'Internal: the deadline obligations of an organisation whose clock started in [started_from, started_before), as sqm.obligations returns them (SECURITY INVOKER), from a query written by sqm.obligations_sql(period => true) and planned once per backend; kept until a rule, event or lifecycle changes';

-- The open obligations (due, due soon, overdue) of one organisation or all
-- and one unit or all: sqm.obligations(open_only => true) and the sweep.
-- The open form of the query, planned once per backend; per call, planning
-- its branches was three quarters of the time.
CREATE FUNCTION sqm.obligations_open(org bigint, unit bigint)
RETURNS TABLE (org_id bigint, kind text, object_id bigint, unit_id bigint, rule text, legal boolean, basis text,
               started_at timestamptz, due_at timestamptz, stopped_at timestamptz, status text)
  AS 'MODULE_PATHNAME', 'sqm_obligations_open'
  LANGUAGE C STABLE ROWS 1000;
COMMENT ON FUNCTION sqm.obligations_open(bigint, bigint) IS
  'Internal: the open deadline obligations (due, due_soon, overdue) of the organisation and unit given (NULL: every one), as sqm.obligations(open_only => true) returns them (SECURITY INVOKER), from a query written by sqm.obligations_sql(open_only => true) and planned once per backend; kept until a rule, event or lifecycle changes';

-- The same obligations counted per rule as they stood at the end of a
-- status day (ends), of the units given (NULL: all): the numbers the
-- statistics show, counted inside the kept query (src/core/obligations.c).
CREATE FUNCTION sqm.obligation_counts_period(org bigint, started_from timestamptz, started_before timestamptz,
                                             ends timestamptz, units bigint[])
RETURNS TABLE (rule text, cases bigint, met_in_time bigint, met_late bigint, overdue bigint, not_yet_due bigint)
  AS 'MODULE_PATHNAME', 'sqm_obligation_counts_period'
  LANGUAGE C STABLE ROWS 20;
COMMENT ON FUNCTION sqm.obligation_counts_period(bigint, timestamptz, timestamptz, timestamptz, bigint[]) IS
  'Internal: the obligations of sqm.obligations_period(org, started_from, started_before) of the units given (NULL: every unit), counted per rule as they stood at ends: met in time, met late (stopped by ends), overdue, not yet due (not stopped by ends); SECURITY INVOKER';

-- Only how many they are (the statistics' total): no due time computed.
CREATE FUNCTION sqm.obligation_cases_period(org bigint, started_from timestamptz, started_before timestamptz,
                                            units bigint[])
RETURNS bigint
  AS 'MODULE_PATHNAME', 'sqm_obligation_cases_period'
  LANGUAGE C STABLE;
COMMENT ON FUNCTION sqm.obligation_cases_period(bigint, timestamptz, timestamptz, bigint[]) IS
  'Internal: how many obligations sqm.obligations_period(org, started_from, started_before) has, of the units given (NULL: every unit); NULL when no rule applies; SECURITY INVOKER';

CREATE FUNCTION sqm.obligations(org bigint DEFAULT NULL, unit bigint DEFAULT NULL, kind text DEFAULT NULL,
                                rule text DEFAULT NULL, open_only boolean DEFAULT false)
RETURNS TABLE (org_id bigint, kind text, object_id bigint, unit_id bigint, rule text, legal boolean, basis text,
               started_at timestamptz, due_at timestamptz, stopped_at timestamptz, status text)
LANGUAGE sql STABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT * FROM sqm.obligations_run(org, unit, kind, rule, open_only);
END;
COMMENT ON FUNCTION sqm.obligations(bigint, bigint, text, text, boolean) IS
  'Deadline obligations: one row per (object, rule) whose start event has happened, with the basis in force on the start date, when it is due (sqm.deadline_due in the organisation''s time zone, working days without its closed days and the eves), when it stopped, and its status at sqm.now(): met, met_late, lapsed (the case its stop event is recorded on is final without it: it can no longer stop), overdue, due_soon (within the rule''s warning) or due. SECURITY INVOKER: row-level security and column privileges of the caller apply. Filters: organisation, unit (exactly), kind, rule, open only (due, due_soon and overdue: read from the cases that are not final)';

CREATE VIEW sqm.obligation WITH (security_invoker = true) AS
SELECT * FROM sqm.obligations();
COMMENT ON VIEW sqm.obligation IS 'Every deadline obligation the caller may see (sqm.obligations())';

REVOKE ALL ON FUNCTION sqm.deadline_check_sql(text, text, text, text), sqm.deadline_event_check(),
                       sqm.deadline_unit_check(integer, text, text), sqm.deadline_rule_check(), sqm.deadline_setting_check(),
                       sqm.set_deadline(bigint, text, integer, text), sqm.add_closed_day(bigint, date, text),
                       sqm.remove_closed_day(bigint, date), sqm.obligations_sql(text, text, boolean, boolean),
                       sqm.obligations_run(bigint, bigint, text, text, boolean, timestamptz, timestamptz),
                       sqm.obligations_period(bigint, timestamptz, timestamptz),
                       sqm.obligations_open(bigint, bigint),
                       sqm.obligation_counts_period(bigint, timestamptz, timestamptz, timestamptz, bigint[]),
                       sqm.obligation_cases_period(bigint, timestamptz, timestamptz, bigint[]),
                       sqm.obligations(bigint, bigint, text, text, boolean)
    FROM PUBLIC;
REVOKE ALL ON sqm.obligation FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- Notifications: the outbox, the dispatcher, the sweep (README
-- "Notifications").  Writers write outbox rows and send no NOTIFY: NOTIFY
-- takes a cluster-wide lock at commit and holds it across the commit, so
-- writers that notify commit one at a time (design.md §3b).  The dispatcher
-- sqm.dispatch(), outside the writers' transactions, sends at most one
-- NOTIFY per organisation with new rows.  An organisation may opt in to
-- NOTIFY from its writers (sqm.organisation.notify_immediately).
--
-- An organisation's outbox rows are numbered 1, 2, 3 ... under its audit
-- chain lock, which a writer holds until its commit is visible
-- (src/core/outbox.c): whoever sees number n of an organisation sees every
-- lower one, so a reader that remembers the highest number it handled
-- loses nothing by reading the numbers above it.

CREATE TABLE sqm.outbox (
    org_id           bigint NOT NULL,
    seq              bigint NOT NULL CHECK (seq OPERATOR(pg_catalog.>) 0),
    at               timestamptz NOT NULL,
    kind             text NOT NULL,
    object_id        bigint NOT NULL,
    unit_id          bigint NOT NULL,
    rule             text,
    event            text NOT NULL CHECK (event IN ('new', 'due_soon', 'overdue')),
    due_at           timestamptz,
    acknowledged_at  timestamptz,
    acknowledged_by  text,
    PRIMARY KEY (org_id, seq),
    CHECK ((event OPERATOR(pg_catalog.=) 'new') OPERATOR(pg_catalog.=) (rule IS NULL AND due_at IS NULL)),
    CHECK ((acknowledged_at IS NULL) OPERATOR(pg_catalog.=) (acknowledged_by IS NULL))
);
CREATE UNIQUE INDEX outbox_event_key ON sqm.outbox (org_id, kind, object_id, COALESCE(rule, ''), event);
CREATE INDEX outbox_unacknowledged_idx ON sqm.outbox (org_id, seq) WHERE acknowledged_at IS NULL;
-- what the sweep looks up: the events of obligations (a rule), apart from the
-- event of every new report
CREATE INDEX outbox_due_idx ON sqm.outbox (org_id, kind, object_id, rule, event) WHERE rule IS NOT NULL;
COMMENT ON TABLE sqm.outbox IS
  'Durable notifications: every new report (event new) and every obligation that became due soon or overdue (sqm.sweep), once each; no personal data. Numbered per organisation in commit order (seq), so that reading the numbers above the last one handled loses nothing; sqm.dispatch() sends NOTIFY sqm_org_<org_id> with the highest new number. Like the audit trail it has no foreign key: its rows are written beside the audit events of cases whose own rows reference the organisation. Append-only (SQ010) except the first acknowledgement (sqm.acknowledge_outbox)';
COMMENT ON COLUMN sqm.outbox.seq IS
  'Number of the event in its organisation: 1, 2, 3 ... in the order the events became visible (taken under the organisation''s audit chain lock)';
COMMENT ON COLUMN sqm.outbox.at IS 'When the event was recorded (sqm.now())';
COMMENT ON COLUMN sqm.outbox.unit_id IS 'The object''s unit: who may read the event';
COMMENT ON COLUMN sqm.outbox.rule IS 'The deadline rule of a due_soon or overdue event';
SELECT pg_catalog.pg_extension_config_dump('sqm.outbox', '');
SELECT sqm.classify('sqm.outbox', '{"internal": ["org_id", "seq", "object_id"],
    "statistic": ["kind", "unit_id", "rule", "event"], "exact_time": ["at", "due_at", "acknowledged_at"],
    "personal": ["acknowledged_by"]}', part => 'log');
REVOKE ALL ON sqm.outbox FROM PUBLIC;
ALTER TABLE sqm.outbox ENABLE ROW LEVEL SECURITY;
CREATE POLICY outbox_visible ON sqm.outbox FOR SELECT USING (sqm.may(org_id, unit_id, 'read_cases'));
COMMENT ON POLICY outbox_visible ON sqm.outbox IS 'Handlers (read_cases) see the events of the units their role covers';

-- Append-only; the one change allowed is the first acknowledgement.
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON sqm.outbox
    FOR EACH ROW EXECUTE FUNCTION sqm.append_only('acknowledged_at', 'acknowledged_by');
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON sqm.outbox
    FOR EACH STATEMENT EXECUTE FUNCTION sqm.append_only();

-- An event as small JSON, never personal data (for applications; NOTIFY
-- carries only the number).
CREATE FUNCTION sqm.outbox_payload(e sqm.outbox) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
RETURN pg_catalog.json_build_object('seq', e.seq, 'kind', e.kind, 'id', e.object_id, 'event', e.event,
                                    'rule', e.rule, 'due_at', e.due_at)::text;
COMMENT ON FUNCTION sqm.outbox_payload(sqm.outbox) IS
  'An outbox event as small JSON: {"seq", "kind", "id", "event", "rule", "due_at"} — never personal data';

-- The sweep's way into the outbox (C, src/core/outbox.c): the next number of
-- the organisation, under its chain lock; NULL if the event is there already.
CREATE FUNCTION sqm.outbox_append(org bigint, kind text, object_id bigint, unit_id bigint, event text,
                                  rule text DEFAULT NULL, due_at timestamptz DEFAULT NULL) RETURNS bigint
  AS 'MODULE_PATHNAME', 'sqm_outbox_append_sql'
  LANGUAGE C;
COMMENT ON FUNCTION sqm.outbox_append(bigint, text, bigint, bigint, text, text, timestamptz) IS
  'Internal (the sweep): append an outbox event numbered next in the organisation (under its audit chain lock, held to commit); NULL, writing nothing, if the outbox has the same event already';

-- The dispatcher's high-water mark per organisation: the highest number it
-- announced.  Concurrent dispatchers serialise on an organisation's row.
CREATE TABLE sqm.outbox_dispatch (
    org_id         bigint PRIMARY KEY,
    seq            bigint NOT NULL,
    dispatched_at  timestamptz NOT NULL
);
COMMENT ON TABLE sqm.outbox_dispatch IS
  'sqm.dispatch()''s high-water mark: per organisation, the highest outbox number it has sent NOTIFY for, and when';
COMMENT ON COLUMN sqm.outbox_dispatch.seq IS 'The highest outbox number of the organisation announced';
COMMENT ON COLUMN sqm.outbox_dispatch.dispatched_at IS 'When (the clock, not sqm.now())';
SELECT pg_catalog.pg_extension_config_dump('sqm.outbox_dispatch', '');
SELECT sqm.classify('sqm.outbox_dispatch', '{"internal": ["org_id", "seq"], "exact_time": ["dispatched_at"]}', part => 'log');
REVOKE ALL ON sqm.outbox_dispatch FROM PUBLIC;

CREATE FUNCTION sqm.dispatch() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r  record;
    n  integer := 0;
BEGIN
    -- For every organisation, its highest outbox number now; where that is
    -- above the mark, the mark moves and one NOTIFY goes out.  Numbers
    -- become visible in their order (src/core/outbox.c), so the rows up to
    -- it are all there.  A concurrent dispatcher waits on the mark's row and
    -- then sees it moved: of two, one notifies.
    FOR r IN
        INSERT INTO sqm.outbox_dispatch AS d (org_id, seq, dispatched_at)
        SELECT o.org_id, h.seq, clock_timestamp()
          FROM sqm.organisation o
         CROSS JOIN LATERAL (SELECT max(x.seq) AS seq FROM sqm.outbox x WHERE x.org_id = o.org_id) h
          -- the marks that have not moved are left alone before the insert:
          -- a conflict that updates nothing still locks and checks its row,
          -- once per organisation and run (marks only grow, so what this
          -- snapshot leaves out a later one would leave unchanged too)
          LEFT JOIN sqm.outbox_dispatch m ON m.org_id = o.org_id
         WHERE h.seq IS NOT NULL AND (m.seq IS NULL OR m.seq < h.seq)
         ORDER BY o.org_id
        ON CONFLICT (org_id) DO UPDATE SET seq = excluded.seq, dispatched_at = excluded.dispatched_at
         WHERE d.seq < excluded.seq
        RETURNING d.org_id, d.seq
    LOOP
        PERFORM pg_notify('sqm_org_' || r.org_id, r.seq::text);
        n := n + 1;
    END LOOP;
    RETURN n;
END
$$;
COMMENT ON FUNCTION sqm.dispatch() IS
  'Send NOTIFY sqm_org_<org_id>, payload the highest new outbox number, once for every organisation whose outbox has rows above the number last dispatched; returns how many notifications (0 when nothing is new). Called by sqm.sweep() and by applications, e.g. every few seconds with pg_cron; safe to run concurrently';

-- An organisation's writers may notify themselves (at the price of
-- serialised commits: README "Notifications").
CREATE FUNCTION sqm.set_notify_immediately(org bigint, immediately boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.authorize(org, NULL, 'manage_taxonomy', format('set the notifications of organisation %s', org));
    IF immediately IS NULL THEN
        RAISE EXCEPTION 'the notification setting of organisation % cannot be NULL', org
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'Say true (writers notify) or false (sqm.dispatch() notifies).';
    END IF;
    UPDATE sqm.organisation o SET notify_immediately = immediately
     WHERE o.org_id = org AND o.notify_immediately IS DISTINCT FROM immediately;
END
$$;
COMMENT ON FUNCTION sqm.set_notify_immediately(bigint, boolean) IS
  'Whether the organisation''s writers send NOTIFY sqm_org_<org_id> themselves (payload: each new outbox number) as they commit — at once, but every transaction that notifies commits under one cluster-wide lock — or leave it to sqm.dispatch() (the default); quality coordinators';

CREATE FUNCTION sqm.sweep() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
    b  record;
    n  integer := 0;
BEGIN
    -- Organisation by organisation: each one's chain lock (taken by its first
    -- event) is held to the end of the sweep, so the locks are taken in order.
    FOR b IN
        SELECT o.org_id, o.kind, o.object_id, o.unit_id, o.rule, o.status, o.due_at
          -- sqm.obligations(open_only => true) without its wrappers (more
          -- copies of every open obligation)
          FROM sqm.obligations_open(NULL, NULL) o
         WHERE o.status IN ('due_soon', 'overdue')
           -- what was announced before is skipped here rather than by a
           -- look-up per obligation and run (sqm.outbox_append asks again,
           -- under the lock); through outbox_due_idx: the events of
           -- obligations, not the event of every report ever made
           AND NOT EXISTS (SELECT FROM sqm.outbox x
                            WHERE x.org_id = o.org_id AND x.kind = o.kind AND x.object_id = o.object_id
                              AND x.rule = o.rule AND x.event = o.status)
         ORDER BY o.org_id, o.due_at, o.kind, o.object_id, o.rule
    LOOP
        IF sqm.outbox_append(b.org_id, b.kind, b.object_id, b.unit_id, b.status, b.rule, b.due_at) IS NOT NULL THEN
            n := n + 1;
        END IF;
    END LOOP;
    PERFORM sqm.dispatch();
    RETURN n;
END
$$;
COMMENT ON FUNCTION sqm.sweep() IS
  'Write every open obligation newly due soon or overdue to the outbox, once, then run sqm.dispatch(); returns how many events are new (a second run returns 0). Schedule it, e.g. SELECT cron.schedule(''sqm-sweep'', ''*/5 * * * *'', ''SELECT sqm.sweep()'')';

CREATE FUNCTION sqm.acknowledge_outbox(org bigint, seq bigint)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    e  sqm.outbox;
BEGIN
    -- authorisation before existence: an event of a unit the caller does not
    -- handle and a missing one are refused alike
    PERFORM sqm.authorize_anywhere(org, 'read_cases', 'outbox event', seq, 'acknowledge');
    SELECT * INTO e FROM sqm.outbox o WHERE o.org_id = org AND o.seq = acknowledge_outbox.seq;
    PERFORM sqm.authorize_found(org, 'read_cases', 'outbox event', seq, 'acknowledge', FOUND, e.unit_id);
    IF e.acknowledged_at IS NOT NULL THEN
        RETURN;     -- the first acknowledgement counts
    END IF;
    UPDATE sqm.outbox o SET acknowledged_at = sqm.now(), acknowledged_by = sqm.caller_identity()
     WHERE o.org_id = org AND o.seq = acknowledge_outbox.seq AND o.acknowledged_at IS NULL;
END
$$;
COMMENT ON FUNCTION sqm.acknowledge_outbox(bigint, bigint) IS
  'Acknowledge an outbox event of a unit the caller handles (read_cases: 42501 for a caller who holds it nowhere in the organisation, else 42704 alike for an event elsewhere and a missing one), recording who and when; the first acknowledgement counts';

REVOKE ALL ON FUNCTION sqm.outbox_payload(sqm.outbox), sqm.outbox_append(bigint, text, bigint, bigint, text, text, timestamptz),
                       sqm.dispatch(), sqm.set_notify_immediately(bigint, boolean),
                       sqm.sweep(), sqm.acknowledge_outbox(bigint, bigint)
    FROM PUBLIC;

-- Deadline rules and settings for every member; obligations (no personal
-- data) for handlers and readers; the outbox and its acknowledgement for
-- handlers.
SELECT sqm.grant_privilege('core', 'SELECT ON sqm.deadline_event, sqm.deadline_rule, sqm.deadline_setting, sqm.closed_day',
                           '{everyone}');
SELECT sqm.grant_privilege('core', 'EXECUTE ON FUNCTION sqm.obligations_sql(text, text, boolean, boolean),
    sqm.obligations_run(bigint, bigint, text, text, boolean, timestamptz, timestamptz), sqm.obligations_open(bigint, bigint),
    sqm.obligations(bigint, bigint, text, text, boolean)', '{readers}');
SELECT sqm.grant_privilege('core', 'SELECT ON sqm.obligation', '{readers}');
SELECT sqm.grant_privilege('core', 'SELECT ON sqm.outbox', '{handlers}');
SELECT sqm.grant_privilege('core', 'EXECUTE ON FUNCTION sqm.acknowledge_outbox(bigint, bigint), sqm.outbox_payload(sqm.outbox)',
                           '{handlers}');
-- applications (and handlers) run the dispatcher; quality coordinators choose immediate NOTIFY
SELECT sqm.grant_privilege('core', 'EXECUTE ON FUNCTION sqm.dispatch()', '{handlers,app}');
SELECT sqm.grant_privilege('core', 'EXECUTE ON FUNCTION sqm.set_notify_immediately(bigint, boolean)', '{quality_coordinator}');
SELECT sqm.grant_privilege('core', 'EXECUTE ON FUNCTION sqm.set_deadline(bigint, text, integer, text),
    sqm.add_closed_day(bigint, date, text), sqm.remove_closed_day(bigint, date)', '{quality_coordinator}');
