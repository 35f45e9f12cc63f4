-- What sqm recorded is never changed or removed (src/core/append_only.c): one
-- C trigger keeps every record table append-only, whoever writes, with SQLSTATE
-- SQ010.  Its arguments name the columns that may be set once, from NULL.
--
--   CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON <table>
--       FOR EACH ROW EXECUTE FUNCTION sqm.append_only(['<column set once>', …]);
--   CREATE TRIGGER no_truncate BEFORE TRUNCATE ON <table>
--       FOR EACH STATEMENT EXECUTE FUNCTION sqm.append_only();

CREATE FUNCTION sqm.append_only() RETURNS trigger
  AS 'MODULE_PATHNAME', 'sqm_append_only'
  LANGUAGE C;
COMMENT ON FUNCTION sqm.append_only() IS
  'Trigger (BEFORE UPDATE OR DELETE FOR EACH ROW, BEFORE TRUNCATE): refuses every change of a recorded row with SQ010, except setting once, from NULL, a column named in the trigger''s arguments';
REVOKE ALL ON FUNCTION sqm.append_only() FROM PUBLIC;

-- Its mirror for what a retention rule may erase (the values the audit trail
-- keeps outside its chain): the arguments name the columns that may be set to
-- NULL; nothing else changes and no row is removed (SQ010).
--
--   CREATE TRIGGER erase_only BEFORE UPDATE OR DELETE ON <table>
--       FOR EACH ROW EXECUTE FUNCTION sqm.erase_only('<column that may be erased>', …);
CREATE FUNCTION sqm.erase_only() RETURNS trigger
  AS 'MODULE_PATHNAME', 'sqm_erase_only'
  LANGUAGE C;
COMMENT ON FUNCTION sqm.erase_only() IS
  'Trigger (BEFORE UPDATE OR DELETE FOR EACH ROW, BEFORE TRUNCATE): refuses every change of a recorded row with SQ010, except erasing (setting to NULL) a column named in the trigger''s arguments';
REVOKE ALL ON FUNCTION sqm.erase_only() FROM PUBLIC;
