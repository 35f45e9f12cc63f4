-- Row checks of a kind's details and record tables (src/core/row_check.c;
-- doc/core.md, "Row checks and reference data").  A kind's case table has its
-- row check in sqm.lifecycle_kind, called by the lifecycle engine; the rules
-- of its details table (what may be written in which state of the case) and
-- of its record tables (what a record must carry, when the case takes none)
-- are functions named here, called by the C trigger sqm.row_check_enforce
-- on every INSERT and on every UPDATE that changes a column they watch.
-- sqm.govern (details_check) and sqm.govern_records (row_check) register them
-- through sqm.govern_row_check, which creates the trigger.

CREATE TABLE sqm.row_check (
    table_name  regclass PRIMARY KEY,
    kind        text NOT NULL REFERENCES sqm.lifecycle_kind,
    part        text NOT NULL CHECK (part IN ('details', 'records')),
    check_fn    regprocedure NOT NULL,
    check_on    text[] CHECK (pg_catalog.array_position(check_on, NULL) IS NULL),
    builtin     boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE sqm.row_check IS
  'The row check of a kind''s details or record table: a function f(new <table>, old <table>) RETURNS void, not STRICT, called by the trigger sqm.row_check_enforce(kind) on every INSERT (old NULL) and on every UPDATE that changes a column of check_on (NULL: every UPDATE); it refuses a row by raising an error and never changes it';
COMMENT ON COLUMN sqm.row_check.table_name IS 'The details or record table';
COMMENT ON COLUMN sqm.row_check.kind IS 'The lifecycle kind the table belongs to';
COMMENT ON COLUMN sqm.row_check.part IS 'details (the kind''s details table) or records (an append-only record table of the kind)';
COMMENT ON COLUMN sqm.row_check.check_fn IS 'The function: f(new <table>, old <table>) RETURNS void, not STRICT';
COMMENT ON COLUMN sqm.row_check.check_on IS 'Columns whose change on UPDATE calls the check (NULL: every UPDATE)';
COMMENT ON COLUMN sqm.row_check.builtin IS 'Inserted by sqm''s install scripts (not dumped: the script recreates it)';
REVOKE ALL ON sqm.row_check FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('sqm.row_check', 'WHERE NOT builtin');
SELECT sqm.classify('sqm.row_check', '{"internal": ["table_name", "part", "check_fn", "check_on", "builtin"],
    "statistic": ["kind"]}');

-- A row check has the signature the trigger calls and watches columns the
-- table has.
CREATE FUNCTION sqm.row_check_validate() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rowtype  oid := (SELECT c.reltype FROM pg_class c WHERE c.oid = NEW.table_name);
    fn       record;
    missing  text;
BEGIN
    SELECT p.pronargs, p.proargtypes, p.prorettype, p.proretset, p.prokind, p.proisstrict INTO fn
      FROM pg_proc p WHERE p.oid = NEW.check_fn;
    IF fn.pronargs <> 2 OR fn.proargtypes[0] IS DISTINCT FROM rowtype OR fn.proargtypes[1] IS DISTINCT FROM rowtype THEN
        RAISE EXCEPTION 'row check % of table % must take two arguments of type %', NEW.check_fn, NEW.table_name, NEW.table_name
            USING ERRCODE = 'undefined_function',
                  DETAIL = format('It takes (%s).', pg_get_function_identity_arguments(NEW.check_fn)),
                  HINT = format('A row check is called with the new row and the old one: declare it as FUNCTION f(new %s, old %s) RETURNS void.',
                                NEW.table_name, NEW.table_name);
    END IF;
    IF fn.prokind <> 'f' OR fn.proretset OR fn.prorettype <> 'void'::regtype OR fn.proisstrict THEN
        RAISE EXCEPTION 'row check % of table % must be a function returning void that is not STRICT', NEW.check_fn, NEW.table_name
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'The trigger calls it with NULL as the old row on INSERT.',
                  HINT = 'A row check refuses a row by raising an error; it returns nothing and never changes the row.';
    END IF;
    SELECT string_agg(format('"%s"', r.col), ', ' ORDER BY r.n) INTO missing
      FROM unnest(NEW.check_on) WITH ORDINALITY AS r(col, n)
     WHERE NOT EXISTS (SELECT FROM pg_attribute a
                        WHERE a.attrelid = NEW.table_name AND a.attname = r.col AND a.attnum > 0 AND NOT a.attisdropped);
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'the row check of table % watches columns it does not have', NEW.table_name
            USING ERRCODE = 'undefined_column',
                  DETAIL = format('Missing: %s.', missing),
                  HINT = 'Name columns of the table in check_on.';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION sqm.row_check_validate() IS
  'Trigger: a row check of sqm.row_check is f(<table>, <table>) RETURNS void, not STRICT, and watches columns of its table';
CREATE TRIGGER row_check_validate BEFORE INSERT OR UPDATE ON sqm.row_check
    FOR EACH ROW EXECUTE FUNCTION sqm.row_check_validate();
-- every session's cache of sqm.row_check loads again after a change
CREATE TRIGGER reference_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sqm.row_check
    FOR EACH STATEMENT EXECUTE FUNCTION sqm.reference_changed();

CREATE FUNCTION sqm.row_check_enforce() RETURNS trigger
  AS 'MODULE_PATHNAME', 'sqm_row_check_enforce'
  LANGUAGE C;
COMMENT ON FUNCTION sqm.row_check_enforce() IS
  'Trigger of a kind''s details or record table with a row check (BEFORE INSERT OR UPDATE FOR EACH ROW; argument the kind): calls the check sqm.row_check names for the table with the new row and the old one (NULL on INSERT), on every INSERT and on every UPDATE of a column it watches';

-- Registers a table's row check and creates its trigger (sqm.govern,
-- sqm.govern_records).
CREATE FUNCTION sqm.govern_row_check(kind text, tbl regclass, part text, check_fn regprocedure, check_on text[])
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO sqm.row_check (table_name, kind, part, check_fn, check_on, builtin)
    VALUES (tbl, govern_row_check.kind, govern_row_check.part, govern_row_check.check_fn, govern_row_check.check_on,
            sqm.extension_member(tbl));
    EXECUTE format('CREATE TRIGGER row_check BEFORE INSERT OR UPDATE ON %s
                    FOR EACH ROW EXECUTE FUNCTION sqm.row_check_enforce(%L)', tbl, kind);
END
$$;
COMMENT ON FUNCTION sqm.govern_row_check(text, regclass, text, regprocedure, text[]) IS
  'Internal (sqm.govern, sqm.govern_records): register the row check of a kind''s details or record table in sqm.row_check and create its trigger row_check';

REVOKE ALL ON FUNCTION sqm.row_check_validate(), sqm.row_check_enforce(),
                       sqm.govern_row_check(text, regclass, text, regprocedure, text[]) FROM PUBLIC;
