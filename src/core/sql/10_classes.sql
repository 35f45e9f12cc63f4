-- Column classes (design.md §3): every column of every table in schema sqm
-- has a class, recorded here, so that the rules about privacy — what the
-- report reader may see, what retention erases, what an audit digest may
-- keep — read the classes instead of lists of column names.
--
--   statistic        a fact statistics may count, group by or show: a state,
--                    a unit, a code, a date, a label, a setting
--   personal         identifies a person: a name, a title, an actor, a role
--                    name of a member
--   free_text        text people wrote, which may say anything (including
--                    personal data): a description, a reason, a summary
--   exact_time       a moment (timestamptz); statistics use it only placed in
--                    a day or a period
--   registry_number  a registry number (diarienummer) of a registered matter
--   internal         keys, links and bookkeeping sqm needs (org_id, id, hashes,
--                    flags, definitions)
--
-- sqm.classify(table, classes) records the classes of a table's columns and
-- refuses a table with a column it does not classify.  The core classifies its
-- own tables in the file that creates them; each kind classifies its tables
-- through sqm.govern (case and details tables), sqm.govern_records (record
-- tables) or sqm.classify (reference tables).  A case table holds no personal
-- or free-text column: those live in the kind's details table (doc/core.md).

CREATE TABLE sqm.column_class (
    table_name   regclass NOT NULL,
    column_name  name NOT NULL,
    class        text NOT NULL CHECK (class IN ('statistic', 'personal', 'free_text', 'exact_time',
                                                'registry_number', 'internal')),
    kind         text,
    part         text NOT NULL CHECK (part IN ('case', 'details', 'records', 'reference', 'log', 'statistics')),
    builtin      boolean NOT NULL DEFAULT false,
    PRIMARY KEY (table_name, column_name)
);
COMMENT ON TABLE sqm.column_class IS
  'The class of every column of every table in schema sqm (statistic, personal, free_text, exact_time, registry_number, internal), recorded by sqm.classify; privacy rules read it instead of lists of column names';
COMMENT ON COLUMN sqm.column_class.table_name IS 'The table';
COMMENT ON COLUMN sqm.column_class.column_name IS 'The column';
COMMENT ON COLUMN sqm.column_class.class IS
  'statistic (may be counted, grouped, shown), personal (identifies a person), free_text (written by people; may say anything), exact_time (a moment; statistics reduce it to a day or period), registry_number, internal (keys, links, bookkeeping)';
COMMENT ON COLUMN sqm.column_class.kind IS 'The lifecycle kind the table belongs to (sqm.lifecycle_kind); NULL for the core''s tables';
COMMENT ON COLUMN sqm.column_class.part IS
  'What the table is: case (a kind''s governed table), details (its personal data and free text), records (append-only records of a kind), reference (taxonomies, settings, definitions), log (audit trail, outbox), statistics (a statistics view, sqm.register_stat_view)';
COMMENT ON COLUMN sqm.column_class.builtin IS 'The table belongs to the extension (its classes come from the install script and are not dumped)';

REVOKE ALL ON sqm.column_class FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('sqm.column_class', 'WHERE NOT builtin');

-- Whether a relation belongs to the sqm extension (created by its script).
CREATE FUNCTION sqm.extension_member(tbl regclass) RETURNS boolean
LANGUAGE sql STABLE STRICT
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT EXISTS (SELECT FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_extension e ON e.oid OPERATOR(pg_catalog.=) d.refobjid
                    WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
                      AND d.objid OPERATOR(pg_catalog.=) tbl
                      AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_extension'::pg_catalog.regclass
                      AND d.deptype OPERATOR(pg_catalog.=) 'e' AND e.extname OPERATOR(pg_catalog.=) 'sqm');
END;
COMMENT ON FUNCTION sqm.extension_member(regclass) IS
  'Internal: whether a table belongs to the sqm extension (created by its install script), so that its data is registered for pg_dump and its definitions are builtin';

-- Records the class of every column of a table.  classes is a jsonb object
-- from class to the columns of that class, e.g.
--   '{"internal": ["org_id", "id"], "statistic": ["state", "unit_id"], "exact_time": ["reported_at"]}'
-- A class that does not exist (22023), a column that does not exist (42703),
-- a column named twice (42701) and a column left out (42P17) are refused;
-- nothing is recorded then.  Classifying a table again replaces its classes.
CREATE FUNCTION sqm.classify(tbl regclass, classes jsonb, kind text DEFAULT NULL, part text DEFAULT 'reference')
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    known    constant text[] := ARRAY['statistic', 'personal', 'free_text', 'exact_time', 'registry_number', 'internal'];
    cls      text;
    cols     jsonb;
    bad      text;
    missing  text;
    given_columns  text[];
    given_classes  text[];
BEGIN
    IF tbl IS NULL OR classes IS NULL OR jsonb_typeof(classes) <> 'object' THEN
        RAISE EXCEPTION 'the classes of table % must be a jsonb object from class to columns', coalesce(tbl::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'E.g. ''{"internal": ["org_id", "id"], "statistic": ["state"]}''.';
    END IF;
    IF part IS NULL OR part NOT IN ('case', 'details', 'records', 'reference', 'log', 'statistics') THEN
        RAISE EXCEPTION 'unknown part "%" for the classes of table %', part, tbl
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'The parts are case, details, records, reference, log and statistics.';
    END IF;
    -- (nested: the core classifies its first tables before sqm.lifecycle_kind exists)
    IF kind IS NOT NULL THEN
        IF NOT EXISTS (SELECT FROM sqm.lifecycle_kind k WHERE k.kind = classify.kind) THEN
            RAISE EXCEPTION 'unknown lifecycle kind "%" for the classes of table %', kind, tbl
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Register the kind first (sqm.govern), or leave kind NULL for a table of the core.';
        END IF;
    END IF;
    FOR cls, cols IN SELECT c.key, c.value FROM jsonb_each(classes) c LOOP
        IF NOT cls = ANY (known) THEN
            RAISE EXCEPTION 'unknown column class "%" for table %', cls, tbl
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = format('It names the columns %s.', cols),
                      HINT = 'The classes are statistic, personal, free_text, exact_time, registry_number and internal.';
        END IF;
        IF jsonb_typeof(cols) <> 'array'
           OR EXISTS (SELECT FROM jsonb_array_elements(cols) e WHERE jsonb_typeof(e) <> 'string') THEN
            RAISE EXCEPTION 'class "%" of table % must list its columns as an array of names', cls, tbl
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = format('It is %s.', cols);
        END IF;
    END LOOP;

    SELECT array_agg(e.value ORDER BY c.key, e.value), array_agg(c.key ORDER BY c.key, e.value)
      INTO given_columns, given_classes
      FROM jsonb_each(classes) c CROSS JOIN LATERAL jsonb_array_elements_text(c.value) e;

    SELECT string_agg(format('"%s"', g.column_name), ', ' ORDER BY g.column_name) INTO bad
      FROM (SELECT DISTINCT u.column_name FROM unnest(given_columns) u(column_name)) g
     WHERE NOT EXISTS (SELECT FROM pg_attribute a
                        WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped AND a.attname = g.column_name);
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'table % has no column % to classify', tbl, bad
            USING ERRCODE = 'undefined_column',
                  HINT = 'Name the table''s own columns.';
    END IF;

    SELECT string_agg(format('"%s" (%s)', g.column_name, g.classes), ', ' ORDER BY g.column_name) INTO bad
      FROM (SELECT u.column_name, string_agg(u.class, ', ' ORDER BY u.class) AS classes
              FROM unnest(given_columns, given_classes) u(column_name, class)
             GROUP BY u.column_name HAVING count(*) > 1) g;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'table % names column % more than once', tbl, bad
            USING ERRCODE = 'duplicate_column',
                  HINT = 'Each column has exactly one class.';
    END IF;

    SELECT string_agg(format('"%s"', a.attname), ', ' ORDER BY a.attnum) INTO missing
      FROM pg_attribute a
     WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped
       AND NOT a.attname::text = ANY (coalesce(given_columns, '{}'));
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'column % of table % has no class', missing, tbl
            USING ERRCODE = 'invalid_object_definition',
                  DETAIL = 'Every column of a table in schema sqm has a class (sqm.column_class).',
                  HINT = 'Add each column to one of the classes statistic, personal, free_text, exact_time, registry_number and internal.';
    END IF;

    DELETE FROM sqm.column_class c WHERE c.table_name = tbl;
    INSERT INTO sqm.column_class (table_name, column_name, class, kind, part, builtin)
    SELECT tbl, u.column_name, u.class, classify.kind, classify.part, sqm.extension_member(tbl)
      FROM unnest(given_columns, given_classes) u(column_name, class);
END
$$;
COMMENT ON FUNCTION sqm.classify(regclass, jsonb, text, text) IS
  'Record the class of every column of a table or view (classes: jsonb object from class to column names; kind: its lifecycle kind or NULL; part: case, details, records, reference, log or statistics). Refuses an unknown class (22023), a missing column (42703), a column named twice (42701) and an unclassified column (42P17)';

REVOKE ALL ON FUNCTION sqm.extension_member(regclass), sqm.classify(regclass, jsonb, text, text) FROM PUBLIC;

SELECT sqm.classify('sqm.column_class', '{"internal": ["table_name", "column_name", "class", "kind", "part", "builtin"]}');
