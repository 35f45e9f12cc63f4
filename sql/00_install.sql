--
-- CREATE EXTENSION sqm puts everything into schema sqm; DROP EXTENSION sqm
-- leaves nothing behind.
--
-- pg_regress has already created the extension; start from a database without it.
DROP EXTENSION sqm;

-- Every object a catalog knows of, by description (OIDs change on reinstall).
CREATE FUNCTION pg_temp.catalog_objects() RETURNS SETOF text
LANGUAGE sql AS $$
  SELECT pg_catalog.pg_describe_object(c.classid, c.objid, 0)
    FROM (SELECT 'pg_class'::regclass AS classid, oid AS objid FROM pg_class
           WHERE relnamespace NOT IN (SELECT oid FROM pg_namespace WHERE nspname LIKE 'pg_temp%' OR nspname LIKE 'pg_toast_temp%')
          UNION ALL SELECT 'pg_proc'::regclass, oid FROM pg_proc
          UNION ALL SELECT 'pg_type'::regclass, oid FROM pg_type
          UNION ALL SELECT 'pg_namespace'::regclass, oid FROM pg_namespace
          UNION ALL SELECT 'pg_operator'::regclass, oid FROM pg_operator
          UNION ALL SELECT 'pg_opclass'::regclass, oid FROM pg_opclass
          UNION ALL SELECT 'pg_opfamily'::regclass, oid FROM pg_opfamily
          UNION ALL SELECT 'pg_cast'::regclass, oid FROM pg_cast
          UNION ALL SELECT 'pg_trigger'::regclass, oid FROM pg_trigger
          UNION ALL SELECT 'pg_event_trigger'::regclass, oid FROM pg_event_trigger
          UNION ALL SELECT 'pg_policy'::regclass, oid FROM pg_policy
          UNION ALL SELECT 'pg_constraint'::regclass, oid FROM pg_constraint
          UNION ALL SELECT 'pg_authid'::regclass, oid FROM pg_authid) c
  UNION ALL
  SELECT 'comment on ' || pg_catalog.pg_describe_object(classoid, objoid, objsubid)
    FROM pg_description
   WHERE objoid NOT IN (SELECT oid FROM pg_class WHERE relpersistence = 't')
$$;

CREATE TEMP TABLE before_install AS SELECT * FROM pg_temp.catalog_objects() AS o(descr);

CREATE EXTENSION sqm;
SELECT extname, extversion, extrelocatable, nspname AS recorded_schema
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
 WHERE extname = 'sqm';

-- Everything the extension created lives in schema sqm (or is the schema).
SELECT pg_describe_object(classid, objid, objsubid) AS outside_schema_sqm
  FROM pg_depend d
 WHERE refclassid = 'pg_extension'::regclass
   AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'sqm')
   AND pg_describe_object(classid, objid, objsubid) NOT LIKE '% sqm.%'
   AND pg_describe_object(classid, objid, objsubid) <> 'schema sqm'
 ORDER BY 1;

-- The install did create objects (so the comparison below can fail).
SELECT count(*) > 0 AS install_created_objects
  FROM (SELECT * FROM pg_temp.catalog_objects() EXCEPT SELECT descr FROM before_install) s;

DROP EXTENSION sqm;

-- Nothing left behind, nothing removed.
SELECT descr AS left_behind FROM (SELECT * FROM pg_temp.catalog_objects()
                                  EXCEPT SELECT descr FROM before_install) s(descr) ORDER BY 1;
SELECT descr AS removed FROM (SELECT descr FROM before_install
                              EXCEPT SELECT * FROM pg_temp.catalog_objects()) s(descr) ORDER BY 1;

-- Leave the extension installed for the tests that follow.
CREATE EXTENSION sqm;
