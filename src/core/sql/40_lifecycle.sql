-- The lifecycle engine (doc/core.md): each kind of case is data — its states
-- and the moves between them — and one C trigger, sqm.lifecycle_enforce(kind),
-- enforces the lifecycle on the kind's governed table for every writer.
--
--   sqm.lifecycle_kind    a kind, the table it governs, its details table
--                         (personal data and free text, one row per case) and
--                         its row check (a function called on every insert and
--                         on edits of the columns it watches)
--   sqm.lifecycle_state   its states; which are initial, which terminal
--   sqm.lifecycle_move    the moves from → to: the capability the API requires,
--                         the columns the new row (or its details row) must
--                         have filled in, and the guard (a function of the new
--                         row) that must pass
--   sqm.lifecycle_action  what else the API does to a kind's cases, and the
--                         capability each needs: create one, edit one (a write
--                         that stays in its state), write a column that needs
--                         its own capability, and the kind's own verbs
--                         (document, supplement …)
--
-- A kind's tables are wired by one call, sqm.govern (85_govern.sql), which
-- inserts the kind's row here.
--
-- The engine keeps the definitions in a per-backend cache (src/core/lifecycle.c);
-- a statement trigger on the four tables tells every session to reload them.
-- Capabilities are named here only: which sqm role holds which is the
-- organisation's delegation order (src/core/sql/50_access.sql).
-- Rows the extension's own scripts insert are marked builtin and are not
-- dumped (the script recreates them); rows users add are.

CREATE TABLE sqm.lifecycle_kind (
    kind            text PRIMARY KEY
                    CHECK (kind OPERATOR(pg_catalog.~) '^[a-z][a-z0-9_]{0,62}$'),
    governed_table  regclass NOT NULL UNIQUE,
    details_table   regclass UNIQUE,
    label_sv        text,
    label_en        text,
    row_check       regprocedure,
    row_check_on    text[] CHECK (pg_catalog.array_position(row_check_on, NULL) IS NULL),
    builtin         boolean NOT NULL DEFAULT false,
    CHECK (details_table OPERATOR(pg_catalog.<>) governed_table)
);

CREATE TABLE sqm.lifecycle_state (
    kind      text NOT NULL REFERENCES sqm.lifecycle_kind,
    state     text NOT NULL CHECK (state OPERATOR(pg_catalog.~) '^[a-z][a-z0-9_]*$'),
    initial   boolean NOT NULL DEFAULT false,
    terminal  boolean NOT NULL DEFAULT false,
    label_sv  text NOT NULL,
    label_en  text NOT NULL,
    builtin   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (kind, state)
);

CREATE TABLE sqm.lifecycle_move (
    kind        text NOT NULL,
    from_state  text NOT NULL,
    to_state    text NOT NULL,
    capability  text NOT NULL CHECK (pg_catalog.btrim(capability) OPERATOR(pg_catalog.<>) ''),
    guard       regprocedure,
    requires    text[] NOT NULL DEFAULT '{}' CHECK (pg_catalog.array_position(requires, NULL) IS NULL),
    builtin     boolean NOT NULL DEFAULT false,
    PRIMARY KEY (kind, from_state, to_state),
    FOREIGN KEY (kind, from_state) REFERENCES sqm.lifecycle_state,
    FOREIGN KEY (kind, to_state) REFERENCES sqm.lifecycle_state,
    CHECK (from_state OPERATOR(pg_catalog.<>) to_state)
);

CREATE TABLE sqm.lifecycle_action (
    kind         text NOT NULL REFERENCES sqm.lifecycle_kind,
    action       text NOT NULL CHECK (action OPERATOR(pg_catalog.~) '^[a-z][a-z_]*$'),
    column_name  text CHECK (column_name IS NULL OR action OPERATOR(pg_catalog.=) 'edit'),
    capability   text NOT NULL CHECK (pg_catalog.btrim(capability) OPERATOR(pg_catalog.<>) ''),
    label_en     text NOT NULL CHECK (pg_catalog.btrim(label_en) OPERATOR(pg_catalog.<>) ''),
    builtin      boolean NOT NULL DEFAULT false,
    UNIQUE NULLS NOT DISTINCT (kind, action, column_name)
);

COMMENT ON TABLE sqm.lifecycle_kind IS
  'A kind of case and the governed table its objects live in, with its details table and row check; enforced by the trigger sqm.lifecycle_enforce(kind); rows are inserted by sqm.govern';
COMMENT ON COLUMN sqm.lifecycle_kind.kind IS 'Name of the kind; the argument of the lifecycle and audit triggers';
COMMENT ON COLUMN sqm.lifecycle_kind.governed_table IS
  'The governed (case) table (columns org_id bigint, id bigint, state text); one kind per table';
COMMENT ON COLUMN sqm.lifecycle_kind.details_table IS
  'The kind''s details table: the personal data and free text of each case, one row per case with the same key (org_id, id); NULL if the kind has none';
COMMENT ON COLUMN sqm.lifecycle_kind.label_sv IS 'Name of one object of the kind in Swedish';
COMMENT ON COLUMN sqm.lifecycle_kind.label_en IS 'Name of one object of the kind in English; used in error messages (the kind''s name if NULL)';
COMMENT ON COLUMN sqm.lifecycle_kind.row_check IS
  'Function the engine calls with the new row and the old row (NULL on INSERT) on every INSERT and on every UPDATE that changes a column of row_check_on; it raises an error to refuse the row and never changes it. Signature: f(<governed table>, <governed table>) RETURNS void, not STRICT';
COMMENT ON COLUMN sqm.lifecycle_kind.row_check_on IS
  'Columns of the governed table whose change on UPDATE calls the row check (NULL: every UPDATE); moves that change none of them do not pay for it';
COMMENT ON COLUMN sqm.lifecycle_kind.builtin IS 'Inserted by sqm''s install scripts (not dumped: the script recreates it)';
COMMENT ON TABLE sqm.lifecycle_state IS
  'The states of a kind; objects are created in an initial state, and objects in a terminal state can no longer change';
COMMENT ON COLUMN sqm.lifecycle_state.state IS 'Name of the state, as stored in the governed table''s state column';
COMMENT ON COLUMN sqm.lifecycle_state.initial IS 'Whether objects may be created in this state (each kind with states has at least one)';
COMMENT ON COLUMN sqm.lifecycle_state.terminal IS 'Whether the state is final: no moves out of it, and its objects cannot be edited';
COMMENT ON COLUMN sqm.lifecycle_state.label_sv IS 'Swedish label of the state';
COMMENT ON COLUMN sqm.lifecycle_state.label_en IS 'English label of the state';
COMMENT ON COLUMN sqm.lifecycle_state.builtin IS 'Inserted by sqm''s install scripts (not dumped: the script recreates it)';
COMMENT ON TABLE sqm.lifecycle_move IS
  'The legal moves of a kind''s lifecycle: from_state → to_state, the capability the API requires, the columns the new row must fill in and the guard that must pass';
COMMENT ON COLUMN sqm.lifecycle_move.capability IS 'Capability the write path (sqm.write) checks before it makes the move; who holds it is the organisation''s delegation order';
COMMENT ON COLUMN sqm.lifecycle_move.guard IS
  'Function called with the new row before the move is made; it raises an error (SQLSTATE SQ002) to refuse it. Signature: f(<governed table>) RETURNS void';
COMMENT ON COLUMN sqm.lifecycle_move.requires IS
  'Columns of the governed table, or of the kind''s details table, that the new row (its details row) must have filled in (not NULL) for the move; otherwise the engine refuses it with SQ002. Details columns are read only for moves that name them';
COMMENT ON COLUMN sqm.lifecycle_move.builtin IS 'Inserted by sqm''s install scripts (not dumped: the script recreates it)';

COMMENT ON TABLE sqm.lifecycle_action IS
  'What the API does to a kind''s cases besides moves, and the capability each needs: create (a case, for a unit or for a case of another kind), edit (a write that stays in its state), edit of one column (a write naming it needs this capability too), and the kind''s own verbs';
COMMENT ON COLUMN sqm.lifecycle_action.action IS
  'create, edit, or a verb of the kind (e.g. record, supplement, answer), as the API names it in sqm.authorize_object';
COMMENT ON COLUMN sqm.lifecycle_action.column_name IS
  'For edit only: a column (of the case or its details row) whose writing needs this capability as well, move or edit; NULL: the action as a whole';
COMMENT ON COLUMN sqm.lifecycle_action.capability IS 'The capability the action needs (who holds it: the organisation''s delegation order)';
COMMENT ON COLUMN sqm.lifecycle_action.label_en IS
  'The action as messages name it, a verb phrase before the object: "no <kind> 17 that you may <label_en>", "permission denied to <label_en> unit 5"';
COMMENT ON COLUMN sqm.lifecycle_action.builtin IS 'Inserted by sqm''s install scripts (not dumped: the script recreates it)';

REVOKE ALL ON sqm.lifecycle_kind, sqm.lifecycle_state, sqm.lifecycle_move, sqm.lifecycle_action FROM PUBLIC;

-- pg_dump keeps the definitions users add; builtin rows come from the script.
SELECT pg_catalog.pg_extension_config_dump('sqm.lifecycle_kind', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('sqm.lifecycle_state', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('sqm.lifecycle_move', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('sqm.lifecycle_action', 'WHERE NOT builtin');

SELECT sqm.classify('sqm.lifecycle_kind', '{"statistic": ["kind", "label_sv", "label_en"],
    "internal": ["governed_table", "details_table", "row_check", "row_check_on", "builtin"]}');
SELECT sqm.classify('sqm.lifecycle_state', '{"statistic": ["kind", "state", "label_sv", "label_en"],
    "internal": ["initial", "terminal", "builtin"]}');
SELECT sqm.classify('sqm.lifecycle_move', '{"statistic": ["kind", "from_state", "to_state"],
    "internal": ["capability", "guard", "requires", "builtin"]}');
SELECT sqm.classify('sqm.lifecycle_action', '{"statistic": ["kind", "action", "label_en"],
    "internal": ["column_name", "capability", "builtin"]}');


-- ---------------------------------------------------------------------------
-- Rules of the definitions.

-- A move never leaves a terminal state, the columns it requires are columns
-- of the governed table or of its details table, and its guard has the
-- signature the engine calls: f(<row type of the governed table>) RETURNS void.
CREATE FUNCTION sqm.lifecycle_move_check() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    governed  regclass;
    details   regclass;
    missing   text;
    fn        record;
BEGIN
    IF EXISTS (SELECT FROM sqm.lifecycle_state s
                WHERE s.kind = NEW.kind AND s.state = NEW.from_state AND s.terminal) THEN
        RAISE EXCEPTION 'lifecycle kind "%" cannot move out of terminal state "%"', NEW.kind, NEW.from_state
            USING ERRCODE = 'check_violation',
                  DETAIL = format('The move from "%s" to "%s" starts in a terminal state; objects there are finished.',
                                  NEW.from_state, NEW.to_state),
                  HINT = 'Remove the move, or mark the state as not terminal first.';
    END IF;

    SELECT k.governed_table, k.details_table INTO governed, details FROM sqm.lifecycle_kind k WHERE k.kind = NEW.kind;
    SELECT string_agg(format('"%s"', r.col), ', ' ORDER BY r.n) INTO missing
      FROM unnest(NEW.requires) WITH ORDINALITY AS r(col, n)
     WHERE NOT EXISTS (SELECT FROM pg_attribute a
                        WHERE a.attrelid IN (governed, details) AND a.attname = r.col AND a.attnum > 0 AND NOT a.attisdropped);
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'the move of lifecycle kind "%" from "%" to "%" requires columns that % does not have',
                        NEW.kind, NEW.from_state, NEW.to_state,
                        governed || CASE WHEN details IS NULL THEN '' ELSE ' nor ' || details END
            USING ERRCODE = 'undefined_column',
                  DETAIL = format('Missing: %s.', missing),
                  HINT = 'Name columns of the governed table or of its details table in requires.';
    END IF;
    IF EXISTS (SELECT FROM unnest(NEW.requires) r(col)
                WHERE r.col IN ('org_id', 'id')) THEN
        RAISE EXCEPTION 'the move of lifecycle kind "%" from "%" to "%" cannot require org_id or id', NEW.kind, NEW.from_state, NEW.to_state
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Every case has them; name the columns the move fills in.';
    END IF;

    IF NEW.guard IS NOT NULL THEN
        SELECT p.pronargs, p.proargtypes, p.prorettype, p.proretset, p.prokind INTO fn
          FROM pg_proc p WHERE p.oid = NEW.guard;
        IF fn.pronargs <> 1 OR fn.proargtypes[0] IS DISTINCT FROM
               (SELECT c.reltype FROM pg_class c WHERE c.oid = governed) THEN
            RAISE EXCEPTION 'guard % of lifecycle kind "%" must take one argument of type %',
                            NEW.guard, NEW.kind, coalesce(governed::text, 'its governed table')
                USING ERRCODE = 'undefined_function',
                      DETAIL = format('The guard of the move from "%s" to "%s" takes (%s).', NEW.from_state, NEW.to_state,
                                      pg_get_function_identity_arguments(NEW.guard)),
                      HINT = format('A guard is called with the new row: declare it as FUNCTION f(%s) RETURNS void.', governed);
        END IF;
        IF fn.prokind <> 'f' OR fn.proretset OR fn.prorettype <> 'void'::regtype THEN
            RAISE EXCEPTION 'guard % of lifecycle kind "%" must be a function returning void', NEW.guard, NEW.kind
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = format('It is %s returning %s%s.',
                                      CASE fn.prokind WHEN 'p' THEN 'a procedure' WHEN 'a' THEN 'an aggregate'
                                                      WHEN 'w' THEN 'a window function' ELSE 'a function' END,
                                      CASE WHEN fn.proretset THEN 'setof ' ELSE '' END, fn.prorettype::regtype),
                      HINT = 'A guard refuses a move by raising an error (SQLSTATE SQ002); it returns nothing.';
        END IF;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION sqm.lifecycle_move_check() IS
  'Trigger: a lifecycle move never leaves a terminal state, requires only columns of the governed table or its details table, and its guard is a function f(<governed table>) returning void';

CREATE TRIGGER lifecycle_move_check BEFORE INSERT OR UPDATE ON sqm.lifecycle_move
    FOR EACH ROW EXECUTE FUNCTION sqm.lifecycle_move_check();

-- A kind that has states has an initial one, and a state with moves out of it
-- is not terminal.  AFTER ROW, so that a multi-row INSERT or COPY (as in a
-- restore) is checked when all its rows are in.
CREATE FUNCTION sqm.lifecycle_state_check() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    k     text := CASE TG_OP WHEN 'DELETE' THEN OLD.kind ELSE NEW.kind END;
    move  record;
BEGIN
    IF EXISTS (SELECT FROM sqm.lifecycle_state s WHERE s.kind = k)
       AND NOT EXISTS (SELECT FROM sqm.lifecycle_state s WHERE s.kind = k AND s.initial) THEN
        RAISE EXCEPTION 'lifecycle kind "%" has no initial state', k
            USING ERRCODE = 'check_violation',
                  DETAIL = 'Objects are created in an initial state, so a kind with states needs at least one.',
                  HINT = 'Mark a state initial, or insert the initial state first.';
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.terminal THEN
        SELECT m.to_state INTO move FROM sqm.lifecycle_move m
         WHERE m.kind = NEW.kind AND m.from_state = NEW.state
         ORDER BY m.to_state LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'state "%" of lifecycle kind "%" cannot be terminal', NEW.state, NEW.kind
                USING ERRCODE = 'check_violation',
                      DETAIL = format('There is a move from "%s" to "%s"; no move leaves a terminal state.', NEW.state, move.to_state),
                      HINT = 'Remove the moves out of the state first.';
        END IF;
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION sqm.lifecycle_state_check() IS
  'Trigger: a kind with states has an initial state, and a state with moves out of it is not terminal';

CREATE TRIGGER lifecycle_state_check AFTER INSERT OR UPDATE OR DELETE ON sqm.lifecycle_state
    FOR EACH ROW EXECUTE FUNCTION sqm.lifecycle_state_check();

-- A kind's guards take its governed table's row and its moves name its
-- columns and its details table's: moving the kind to other tables checks
-- them again (the move trigger does, on a no-op update).
CREATE FUNCTION sqm.lifecycle_kind_check() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF (NEW.governed_table, NEW.details_table) IS DISTINCT FROM (OLD.governed_table, OLD.details_table) THEN
        UPDATE sqm.lifecycle_move m SET guard = m.guard WHERE m.kind = NEW.kind;
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION sqm.lifecycle_kind_check() IS
  'Trigger: when a kind''s governed or details table changes, its moves'' guards and required columns are checked against the new tables';

-- A kind's details table has the key of its cases; its row check has the
-- signature the engine calls, f(<governed table>, <governed table>) RETURNS
-- void, is not STRICT (the old row is NULL on INSERT), and watches columns of
-- the governed table.
CREATE FUNCTION sqm.lifecycle_kind_validate() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rowtype  oid := (SELECT c.reltype FROM pg_class c WHERE c.oid = NEW.governed_table);
    fn       record;
    missing  text;
BEGIN
    IF NEW.details_table IS NOT NULL THEN
        SELECT string_agg(k.col, ', ') INTO missing
          FROM unnest(ARRAY['org_id', 'id']) k(col)
         WHERE NOT EXISTS (SELECT FROM pg_attribute a
                            WHERE a.attrelid = NEW.details_table AND a.attname = k.col AND NOT a.attisdropped
                              AND a.atttypid = 'bigint'::regtype);
        IF missing IS NOT NULL THEN
            RAISE EXCEPTION 'details table % of lifecycle kind "%" has no bigint column %', NEW.details_table, NEW.kind, missing
                USING ERRCODE = 'invalid_object_definition',
                      HINT = 'A details table has the key of its cases: org_id bigint, id bigint.';
        END IF;
    END IF;
    IF NEW.row_check IS NOT NULL THEN
        SELECT p.pronargs, p.proargtypes, p.prorettype, p.proretset, p.prokind, p.proisstrict INTO fn
          FROM pg_proc p WHERE p.oid = NEW.row_check;
        IF fn.pronargs <> 2 OR fn.proargtypes[0] IS DISTINCT FROM rowtype OR fn.proargtypes[1] IS DISTINCT FROM rowtype THEN
            RAISE EXCEPTION 'row check % of lifecycle kind "%" must take two arguments of type %',
                            NEW.row_check, NEW.kind, NEW.governed_table
                USING ERRCODE = 'undefined_function',
                      DETAIL = format('It takes (%s).', pg_get_function_identity_arguments(NEW.row_check)),
                      HINT = format('A row check is called with the new row and the old one: declare it as FUNCTION f(new %s, old %s) RETURNS void.',
                                    NEW.governed_table, NEW.governed_table);
        END IF;
        IF fn.prokind <> 'f' OR fn.proretset OR fn.prorettype <> 'void'::regtype OR fn.proisstrict THEN
            RAISE EXCEPTION 'row check % of lifecycle kind "%" must be a function returning void that is not STRICT',
                            NEW.row_check, NEW.kind
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = 'The engine calls it with NULL as the old row on INSERT.',
                      HINT = 'A row check refuses a row by raising an error; it returns nothing and never changes the row.';
        END IF;
    END IF;
    SELECT string_agg(format('"%s"', r.col), ', ' ORDER BY r.n) INTO missing
      FROM unnest(NEW.row_check_on) WITH ORDINALITY AS r(col, n)
     WHERE NOT EXISTS (SELECT FROM pg_attribute a
                        WHERE a.attrelid = NEW.governed_table AND a.attname = r.col AND a.attnum > 0 AND NOT a.attisdropped);
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'the row check of lifecycle kind "%" watches columns that % does not have', NEW.kind, NEW.governed_table
            USING ERRCODE = 'undefined_column',
                  DETAIL = format('Missing: %s.', missing),
                  HINT = 'Name columns of the governed table in row_check_on.';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION sqm.lifecycle_kind_validate() IS
  'Trigger: a kind''s details table has org_id and id (bigint), its row check is f(<governed table>, <governed table>) RETURNS void and not STRICT, and it watches columns of the governed table';

CREATE TRIGGER lifecycle_kind_validate BEFORE INSERT OR UPDATE ON sqm.lifecycle_kind
    FOR EACH ROW EXECUTE FUNCTION sqm.lifecycle_kind_validate();

CREATE TRIGGER lifecycle_kind_check AFTER UPDATE ON sqm.lifecycle_kind
    FOR EACH ROW EXECUTE FUNCTION sqm.lifecycle_kind_check();

-- An action's column is a column of the kind's case or details table.
CREATE FUNCTION sqm.lifecycle_action_check() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    k  record;
BEGIN
    IF NEW.column_name IS NOT NULL THEN
        SELECT * INTO k FROM sqm.lifecycle_kind WHERE kind = NEW.kind;
        IF NEW.column_name IN ('org_id', 'id', 'state')
           OR NOT EXISTS (SELECT FROM pg_attribute a
                           WHERE a.attrelid IN (k.governed_table, k.details_table) AND a.attname = NEW.column_name
                             AND a.attnum > 0 AND NOT a.attisdropped) THEN
            RAISE EXCEPTION 'lifecycle kind "%" has no column "%" that a write can set', NEW.kind, NEW.column_name
                USING ERRCODE = 'undefined_column',
                      HINT = format('Name a column of %s%s other than org_id, id and state.', k.governed_table,
                                    CASE WHEN k.details_table IS NULL THEN '' ELSE ' or ' || k.details_table END);
        END IF;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION sqm.lifecycle_action_check() IS
  'Trigger: the column of an edit action is one a write can set, of the kind''s case or details table';
CREATE TRIGGER lifecycle_action_check BEFORE INSERT OR UPDATE ON sqm.lifecycle_action
    FOR EACH ROW EXECUTE FUNCTION sqm.lifecycle_action_check();

-- Every change of the definitions makes every session reload them (at commit
-- for other sessions, at once for this one).
CREATE FUNCTION sqm.lifecycle_invalidate() RETURNS trigger
LANGUAGE c
AS 'MODULE_PATHNAME', 'sqm_lifecycle_invalidate';
COMMENT ON FUNCTION sqm.lifecycle_invalidate() IS
  'Trigger: tells every session that the lifecycle definitions changed, so that their caches reload them';

CREATE TRIGGER lifecycle_invalidate AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sqm.lifecycle_kind
    FOR EACH STATEMENT EXECUTE FUNCTION sqm.lifecycle_invalidate();
CREATE TRIGGER lifecycle_invalidate AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sqm.lifecycle_state
    FOR EACH STATEMENT EXECUTE FUNCTION sqm.lifecycle_invalidate();
CREATE TRIGGER lifecycle_invalidate AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sqm.lifecycle_move
    FOR EACH STATEMENT EXECUTE FUNCTION sqm.lifecycle_invalidate();
CREATE TRIGGER lifecycle_invalidate AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sqm.lifecycle_action
    FOR EACH STATEMENT EXECUTE FUNCTION sqm.lifecycle_invalidate();


-- ---------------------------------------------------------------------------
-- The engine.

CREATE FUNCTION sqm.lifecycle_enforce() RETURNS trigger
LANGUAGE c
AS 'MODULE_PATHNAME', 'sqm_lifecycle_enforce';
COMMENT ON FUNCTION sqm.lifecycle_enforce() IS
  'Trigger of every governed table: BEFORE INSERT OR UPDATE OR DELETE FOR EACH ROW, argument the kind. Objects start in an initial state, change state only by a move of the kind (with its required columns, of the row or its details row, and its guard passing), are not edited in a terminal state, keep their org_id and id, and are never deleted; the kind''s row check passes on every insert and every update of the columns it watches';

CREATE FUNCTION sqm.details_enforce() RETURNS trigger
LANGUAGE c
AS 'MODULE_PATHNAME', 'sqm_details_enforce';
COMMENT ON FUNCTION sqm.details_enforce() IS
  'Trigger of every details table (BEFORE UPDATE OR DELETE FOR EACH ROW, BEFORE TRUNCATE; argument the kind): a details row keeps its org_id and id, is not changed once its case is in a terminal state (SQ004) and is never deleted (55000)';

CREATE FUNCTION sqm.details_present() RETURNS trigger
LANGUAGE c
AS 'MODULE_PATHNAME', 'sqm_details_present';
COMMENT ON FUNCTION sqm.details_present() IS
  'Constraint trigger of every governed table with a details table (AFTER INSERT FOR EACH ROW, DEFERRABLE INITIALLY DEFERRED; argument the kind): at commit every new case has its details row (23503 otherwise)';

CREATE FUNCTION sqm.move_capability(kind text, from_state text, to_state text) RETURNS text
LANGUAGE c STABLE STRICT
AS 'MODULE_PATHNAME', 'sqm_move_capability';
COMMENT ON FUNCTION sqm.move_capability(text, text, text) IS
  'The capability a move of a kind requires; NULL if the kind has no such move';

CREATE FUNCTION sqm.lifecycle_cache_stats()
RETURNS TABLE (loads bigint, hits bigint)
LANGUAGE c VOLATILE
AS 'MODULE_PATHNAME', 'sqm_lifecycle_cache_stats';
COMMENT ON FUNCTION sqm.lifecycle_cache_stats() IS
  'This session''s lifecycle cache: how many times a kind was loaded from the definitions, and how many lookups the cache answered';

CREATE FUNCTION sqm.allowed_moves(kind text, from_state text)
RETURNS TABLE (to_state text, capability text, guard regprocedure, requires text[])
LANGUAGE sql STABLE STRICT
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT m.to_state, m.capability, m.guard, m.requires FROM sqm.lifecycle_move m
     WHERE m.kind OPERATOR(pg_catalog.=) allowed_moves.kind
       AND m.from_state OPERATOR(pg_catalog.=) allowed_moves.from_state
     ORDER BY m.to_state;
END;
COMMENT ON FUNCTION sqm.allowed_moves(text, text) IS
  'The moves of a kind allowed from a state: target state, required capability, guard and the columns the move must fill in';

CREATE VIEW sqm.lifecycle WITH (security_invoker = true) AS
SELECT m.kind,
       m.from_state, f.label_sv AS from_label_sv, f.label_en AS from_label_en, f.initial AS from_initial,
       m.to_state, t.label_sv AS to_label_sv, t.label_en AS to_label_en, t.terminal AS to_terminal,
       m.capability, m.guard, m.requires
  FROM sqm.lifecycle_move m
  JOIN sqm.lifecycle_state f ON f.kind OPERATOR(pg_catalog.=) m.kind AND f.state OPERATOR(pg_catalog.=) m.from_state
  JOIN sqm.lifecycle_state t ON t.kind OPERATOR(pg_catalog.=) m.kind AND t.state OPERATOR(pg_catalog.=) m.to_state;
COMMENT ON VIEW sqm.lifecycle IS
  'Every kind''s lifecycle in one place: each legal move with the labels of both states, the capability it requires, the columns it must fill in and its guard';

REVOKE ALL ON sqm.lifecycle FROM PUBLIC;
REVOKE ALL ON FUNCTION
    sqm.lifecycle_move_check(), sqm.lifecycle_state_check(), sqm.lifecycle_kind_check(), sqm.lifecycle_kind_validate(),
    sqm.lifecycle_action_check(),
    sqm.lifecycle_invalidate(), sqm.lifecycle_enforce(), sqm.details_enforce(), sqm.details_present(),
    sqm.move_capability(text, text, text),
    sqm.lifecycle_cache_stats(), sqm.allowed_moves(text, text)
FROM PUBLIC;

-- Numbers of governed objects, shared by every kind (an id names one object in
-- the organisation whatever its kind).
CREATE SEQUENCE sqm.case_id_seq;
COMMENT ON SEQUENCE sqm.case_id_seq IS 'Numbers of governed objects (cases and their records), shared by every kind';
SELECT pg_catalog.pg_extension_config_dump('sqm.case_id_seq', '');
REVOKE ALL ON SEQUENCE sqm.case_id_seq FROM PUBLIC;
