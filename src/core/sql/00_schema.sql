-- Schema sqm holds every object of the extension.  The script creates it (rather
-- than sqm.control) so that the schema is a member of the extension and
-- DROP EXTENSION removes it.  Every name below is schema-qualified: the script
-- runs with search_path = pg_catalog, pg_temp and never relies on it.

CREATE SCHEMA sqm;
COMMENT ON SCHEMA sqm IS
  'sqm: systematic quality work for social services (types, reference data, API functions, statistics views)';
REVOKE ALL ON SCHEMA sqm FROM PUBLIC;
GRANT USAGE ON SCHEMA sqm TO PUBLIC;
