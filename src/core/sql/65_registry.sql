-- One registry per organisation (domain.md §2, doc/core.md "Case links,
-- constructors and the registry"): a registry number (diarienummer) is held by
-- one registered matter of the organisation, whatever its kind, and never
-- changes once registered.  C in src/core/registry.c.
--
-- A governed table with a registry-number column carries
--
--   CREATE TRIGGER registry_claim AFTER INSERT OR UPDATE ON sqm.<table>
--       FOR EACH ROW EXECUTE FUNCTION sqm.registry_claim('<column>');
--
-- and every number the column gets is claimed in sqm.registry_entry; a number
-- held by another case of the organisation is refused with 23505 naming its
-- holder, and a registered number cannot be changed or cleared (SQ010).

CREATE TABLE sqm.registry_entry (
    org_id         bigint NOT NULL REFERENCES sqm.organisation,
    regnr          sqm.regnr NOT NULL,
    kind           text NOT NULL REFERENCES sqm.lifecycle_kind,
    object_id      bigint NOT NULL,
    column_name    text NOT NULL,
    registered_at  timestamptz NOT NULL DEFAULT sqm.now(),
    registered_by  text NOT NULL DEFAULT sqm.caller_identity(),
    PRIMARY KEY (org_id, regnr),
    UNIQUE (org_id, kind, object_id, column_name)
);
COMMENT ON TABLE sqm.registry_entry IS
  'The registry of each organisation: which case holds a registry number (unique per organisation across every kind); written by the trigger sqm.registry_claim(), append-only';
COMMENT ON COLUMN sqm.registry_entry.regnr IS 'The registry number; one holder per organisation';
COMMENT ON COLUMN sqm.registry_entry.kind IS 'Kind of the case holding it';
COMMENT ON COLUMN sqm.registry_entry.object_id IS 'Id of the case holding it';
COMMENT ON COLUMN sqm.registry_entry.column_name IS 'The column of the case''s governed table that holds the number';
COMMENT ON COLUMN sqm.registry_entry.registered_at IS 'When the case got the number: sqm.now()';
COMMENT ON COLUMN sqm.registry_entry.registered_by IS 'Who gave it: sqm.caller_identity()';
REVOKE ALL ON sqm.registry_entry FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('sqm.registry_entry', '');
SELECT sqm.classify('sqm.registry_entry', '{"internal": ["org_id", "object_id", "column_name"], "statistic": ["kind"],
    "registry_number": ["regnr"], "exact_time": ["registered_at"], "personal": ["registered_by"]}', part => 'records');

CREATE FUNCTION sqm.registry_claim() RETURNS trigger
  AS 'MODULE_PATHNAME', 'sqm_registry_claim'
  LANGUAGE C;
COMMENT ON FUNCTION sqm.registry_claim() IS
  'Trigger (AFTER INSERT OR UPDATE FOR EACH ROW on a governed table; argument: its column of type sqm.regnr): claims each number the column gets for the case (23505 naming the holder if taken in the organisation); a registered number never changes (SQ010)';

CREATE FUNCTION sqm.registry_entry_check() RETURNS trigger
  AS 'MODULE_PATHNAME', 'sqm_registry_entry_check'
  LANGUAGE C;
COMMENT ON FUNCTION sqm.registry_entry_check() IS
  'Trigger (BEFORE INSERT FOR EACH ROW on sqm.registry_entry): the kind is registered and the case exists in the organisation and holds the number in the named column; otherwise 23503';
REVOKE ALL ON FUNCTION sqm.registry_claim(), sqm.registry_entry_check() FROM PUBLIC;

CREATE TRIGGER registry_entry_check BEFORE INSERT ON sqm.registry_entry
    FOR EACH ROW EXECUTE FUNCTION sqm.registry_entry_check();
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON sqm.registry_entry
    FOR EACH ROW EXECUTE FUNCTION sqm.append_only();
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON sqm.registry_entry
    FOR EACH STATEMENT EXECUTE FUNCTION sqm.append_only();

-- An entry is seen by whoever may read the case holding it.
ALTER TABLE sqm.registry_entry ENABLE ROW LEVEL SECURITY;
CREATE POLICY registry_entry_visible ON sqm.registry_entry FOR SELECT
    USING (sqm.may_read_case(org_id, kind, object_id));
COMMENT ON POLICY registry_entry_visible ON sqm.registry_entry IS
  'A member sees the registry entry of a case when their sqm role has read_cases for its unit';

SELECT sqm.grant_privilege('core', 'SELECT ON sqm.registry_entry', '{handlers}');
