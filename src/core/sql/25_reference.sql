-- Reference data that row checks read (src/core/reference.c; doc/core.md,
-- "Row checks and reference data"): the organisation's time zone, which units
-- existed when, a kind's taxonomy or legal bases.  Row checks keep it in
-- per-backend caches; every reference table they read carries the statement
-- trigger sqm.reference_changed(), so that a change reaches every session's
-- caches (this session's at its next command, the others' at commit).
--
--   sqm.watch_reference(table)     creates that trigger on a kind's reference
--                                  table (a kind's folder writes no
--                                  CREATE TRIGGER)
--   sqm.reference_cache_stats()    this session's loads and cache hits

CREATE FUNCTION sqm.reference_changed() RETURNS trigger
  AS 'MODULE_PATHNAME', 'sqm_reference_changed'
  LANGUAGE C;
COMMENT ON FUNCTION sqm.reference_changed() IS
  'Trigger (AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE FOR EACH STATEMENT) of every reference table a row check reads: tells every session that the table changed, so that their caches of it load again';

CREATE FUNCTION sqm.watch_reference(tbl regclass) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    EXECUTE format('CREATE TRIGGER reference_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %s
                    FOR EACH STATEMENT EXECUTE FUNCTION sqm.reference_changed()', tbl);
END
$$;
COMMENT ON FUNCTION sqm.watch_reference(regclass) IS
  'Install scripts: a reference table that row checks read (and cache per backend) tells every session when it changes (the trigger reference_changed)';

CREATE FUNCTION sqm.reference_cache_stats()
RETURNS TABLE (loads bigint, hits bigint)
LANGUAGE c VOLATILE
AS 'MODULE_PATHNAME', 'sqm_reference_cache_stats';
COMMENT ON FUNCTION sqm.reference_cache_stats() IS
  'This session''s reference caches (row checks): how many times reference data was read from its table, and how many lookups a cache answered';

REVOKE ALL ON FUNCTION sqm.reference_changed(), sqm.watch_reference(regclass), sqm.reference_cache_stats() FROM PUBLIC;
