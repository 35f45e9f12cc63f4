-- The lifecycle engine (doc/core.md): each kind of case is data — its states
-- and the moves between them — and one C trigger, sqm.lifecycle_enforce(kind),
-- enforces the lifecycle on the kind's governed table for every writer.
--
--   sqm.lifecycle_kind    a kind and the table it governs
--   sqm.lifecycle_state   its states; which are initial, which terminal
--   sqm.lifecycle_move    the moves from → to: the capability the API requires,
--                         the columns the new row must have filled in, and the
--                         guard (a function of the new row) that must pass
--
-- The engine keeps the definitions in a per-backend cache (src/lifecycle.c);
-- a statement trigger on the three tables tells every session to reload them.
-- Rows the extension's own scripts insert are marked builtin and are not
-- dumped (the script recreates them); rows users add are.

CREATE TABLE sqm.lifecycle_kind (
    kind            text PRIMARY KEY
                    CHECK (kind OPERATOR(pg_catalog.~) '^[a-z][a-z0-9_]{0,62}$'),
    governed_table  regclass NOT NULL UNIQUE,
    label_sv        text,
    label_en        text,
    builtin         boolean NOT NULL DEFAULT false
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

COMMENT ON TABLE sqm.lifecycle_kind IS
  'A kind of case (deviation, measure, ...) and the governed table its objects live in; enforced by the trigger sqm.lifecycle_enforce(kind)';
COMMENT ON COLUMN sqm.lifecycle_kind.kind IS 'Name of the kind, e.g. deviation; the argument of the lifecycle and audit triggers';
COMMENT ON COLUMN sqm.lifecycle_kind.governed_table IS
  'The governed table (columns org_id bigint, id bigint, state text); one kind per table';
COMMENT ON COLUMN sqm.lifecycle_kind.label_sv IS 'Name of one object of the kind in Swedish, e.g. avvikelse';
COMMENT ON COLUMN sqm.lifecycle_kind.label_en IS 'Name of one object of the kind in English, e.g. deviation; used in error messages (the kind''s name if NULL)';
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
COMMENT ON COLUMN sqm.lifecycle_move.capability IS 'Capability the API checks before it makes the move';
COMMENT ON COLUMN sqm.lifecycle_move.guard IS
  'Function called with the new row before the move is made; it raises an error (SQLSTATE SQ002) to refuse it. Signature: f(<governed table>) RETURNS void';
COMMENT ON COLUMN sqm.lifecycle_move.requires IS
  'Columns of the governed table that the new row must have filled in (not NULL) for the move; otherwise the engine refuses it with SQ002';
COMMENT ON COLUMN sqm.lifecycle_move.builtin IS 'Inserted by sqm''s install scripts (not dumped: the script recreates it)';

REVOKE ALL ON sqm.lifecycle_kind, sqm.lifecycle_state, sqm.lifecycle_move FROM PUBLIC;

-- pg_dump keeps the definitions users add; builtin rows come from the script.
SELECT pg_catalog.pg_extension_config_dump('sqm.lifecycle_kind', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('sqm.lifecycle_state', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('sqm.lifecycle_move', 'WHERE NOT builtin');


-- ---------------------------------------------------------------------------
-- Rules of the definitions.

-- A move never leaves a terminal state, the columns it requires are columns
-- of the governed table, and its guard has the signature the engine calls:
-- f(<row type of the governed table>) RETURNS void.
CREATE FUNCTION sqm.lifecycle_move_check() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    governed  regclass;
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

    SELECT k.governed_table INTO governed FROM sqm.lifecycle_kind k WHERE k.kind = NEW.kind;
    SELECT string_agg(format('"%s"', r.col), ', ' ORDER BY r.n) INTO missing
      FROM unnest(NEW.requires) WITH ORDINALITY AS r(col, n)
     WHERE NOT EXISTS (SELECT FROM pg_attribute a
                        WHERE a.attrelid = governed AND a.attname = r.col AND a.attnum > 0 AND NOT a.attisdropped);
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'the move of lifecycle kind "%" from "%" to "%" requires columns that % does not have',
                        NEW.kind, NEW.from_state, NEW.to_state, governed
            USING ERRCODE = 'undefined_column',
                  DETAIL = format('Missing: %s.', missing),
                  HINT = 'Name columns of the governed table in requires.';
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
  'Trigger: a lifecycle move never leaves a terminal state, requires only columns of the governed table, and its guard is a function f(<governed table>) returning void';

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
-- columns: moving the kind to another table checks them again (the move
-- trigger does, on a no-op update).
CREATE FUNCTION sqm.lifecycle_kind_check() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NEW.governed_table IS DISTINCT FROM OLD.governed_table THEN
        UPDATE sqm.lifecycle_move m SET guard = m.guard WHERE m.kind = NEW.kind;
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION sqm.lifecycle_kind_check() IS
  'Trigger: when a kind''s governed table changes, its moves'' guards and required columns are checked against the new table';

CREATE TRIGGER lifecycle_kind_check AFTER UPDATE ON sqm.lifecycle_kind
    FOR EACH ROW EXECUTE FUNCTION sqm.lifecycle_kind_check();

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


-- ---------------------------------------------------------------------------
-- The engine.

CREATE FUNCTION sqm.lifecycle_enforce() RETURNS trigger
LANGUAGE c
AS 'MODULE_PATHNAME', 'sqm_lifecycle_enforce';
COMMENT ON FUNCTION sqm.lifecycle_enforce() IS
  'Trigger of every governed table: BEFORE INSERT OR UPDATE OR DELETE FOR EACH ROW, argument the kind. Objects start in an initial state, change state only by a move of the kind (whose guard passes), are not edited in a terminal state, keep their org_id and id, and are never deleted';

CREATE FUNCTION sqm.move(kind text, org bigint, id bigint, expected_state text, new_state text,
                         reason text DEFAULT NULL)
RETURNS void
LANGUAGE c
AS 'MODULE_PATHNAME', 'sqm_move';
COMMENT ON FUNCTION sqm.move(text, bigint, bigint, text, text, text) IS
  'Internal: compare-and-set move of an object from expected_state to new_state, with the reason recorded in sqm.reason for the transaction. Fails with SQ003 if the object is in another state, 42704 if it does not exist. Checks no authorisation: API functions call it after checking';

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
    sqm.lifecycle_move_check(), sqm.lifecycle_state_check(), sqm.lifecycle_kind_check(),
    sqm.lifecycle_invalidate(), sqm.lifecycle_enforce(),
    sqm.move(text, bigint, bigint, text, text, text), sqm.move_capability(text, text, text),
    sqm.lifecycle_cache_stats(), sqm.allowed_moves(text, text)
FROM PUBLIC;

-- Numbers of governed objects, shared by every kind (an id names one object in
-- the organisation whatever its kind).
CREATE SEQUENCE sqm.case_id_seq;
COMMENT ON SEQUENCE sqm.case_id_seq IS 'Numbers of governed objects (deviations, measures, …), shared by every kind';
SELECT pg_catalog.pg_extension_config_dump('sqm.case_id_seq', '');
REVOKE ALL ON SEQUENCE sqm.case_id_seq FROM PUBLIC;
