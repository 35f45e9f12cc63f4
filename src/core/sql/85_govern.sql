-- One call wires a kind's tables (doc/core.md): sqm.govern for the table that
-- holds a kind's cases and its details table, sqm.govern_records for a kind's
-- append-only record tables.  A kind's folder writes no CREATE TRIGGER: the
-- triggers (lifecycle, audit, announcements, the registry claim of every
-- registry-number column), row-level security, dump registration, privileges
-- and column classes of its tables all come from here, the same for every kind.
--
--   sqm.govern(kind, tbl, classes, label_sv, label_en, details, details_classes,
--              visible, details_visible, row_check, row_check_on, announce,
--              readers, details_readers, details_check, details_check_on)
--   sqm.govern_records(kind, tbl, classes, visible, set_once, readers, personal_readers,
--                      row_check, row_check_on)
--
-- The case table holds what statistics need (columns of class statistic,
-- exact_time, registry_number and internal), so that statistics count every
-- case whoever reads them; columns of class personal and free_text live in
-- the details table (same key, one row per case), readable only with the
-- capability read_cases for the case's unit.

-- The columns of a table whose class is one of classes, as a list for GRANT.
CREATE FUNCTION sqm.class_columns(tbl regclass, classes text[]) RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT string_agg(quote_ident(c.column_name), ', ' ORDER BY a.attnum)
      FROM sqm.column_class c
      JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) c.table_name
                                    AND a.attname OPERATOR(pg_catalog.=) c.column_name
     WHERE c.table_name OPERATOR(pg_catalog.=) tbl AND c.class OPERATOR(pg_catalog.=) ANY (classes);
END;
COMMENT ON FUNCTION sqm.class_columns(regclass, text[]) IS
  'Internal: the columns of a table (in table order, quoted) whose recorded class is one of the classes given; NULL if none';

-- The columns of a table that are not personal data or free text: what every
-- reader of a table may read.
CREATE FUNCTION sqm.reader_columns(tbl regclass) RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
RETURN sqm.class_columns(tbl, '{statistic,exact_time,registry_number,internal}');
COMMENT ON FUNCTION sqm.reader_columns(regclass) IS
  'Internal: the columns of a table of classes statistic, exact_time, registry_number and internal — what the readers of a table may read (the grants sqm.govern and sqm.govern_records derive from the classes)';

-- A table (other than a governed table's) has the key org_id bigint, id bigint
-- of a case or record; refused with 42P17 otherwise.
CREATE FUNCTION sqm.govern_check_columns(tbl regclass, what text, columns text[]) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    missing  text;
BEGIN
    SELECT string_agg(format('%s %s', c.name, c.type), ', ' ORDER BY c.n) INTO missing
      FROM unnest(columns) WITH ORDINALITY AS x(spec, n)
      CROSS JOIN LATERAL (SELECT split_part(x.spec, ' ', 1) AS name, split_part(x.spec, ' ', 2)::regtype AS type, x.n) c
     WHERE NOT EXISTS (SELECT FROM pg_attribute a
                        WHERE a.attrelid = tbl AND a.attname = c.name AND a.attnum > 0 AND NOT a.attisdropped
                          AND a.atttypid = c.type);
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION '% % does not follow the governed-table protocol', what, tbl
            USING ERRCODE = 'invalid_object_definition',
                  DETAIL = format('It has no column %s.', missing),
                  HINT = format('It needs the columns %s.', array_to_string(columns, ', '));
    END IF;
END
$$;
COMMENT ON FUNCTION sqm.govern_check_columns(regclass, text, text[]) IS
  'Internal: refuse (42P17) a table without the given columns (each "name type")';

-- RLS, dump registration, and no privilege for PUBLIC: what every table a
-- govern call wires gets.
CREATE FUNCTION sqm.govern_table(tbl regclass, visible text, what text) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    policy  text := (SELECT c.relname FROM pg_class c WHERE c.oid = tbl) || '_visible';
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
    EXECUTE format('CREATE POLICY %I ON %s FOR SELECT USING (%s)', policy, tbl, visible);
    EXECUTE format('COMMENT ON POLICY %I ON %s IS %L', policy, tbl, what);
    EXECUTE format('REVOKE ALL ON %s FROM PUBLIC', tbl);
    -- pg_dump keeps what users put into the extension's tables only when told to
    -- (a table created outside the extension is dumped anyway)
    IF sqm.extension_member(tbl) THEN
        PERFORM pg_catalog.pg_extension_config_dump(tbl, '');
    END IF;
END
$$;
COMMENT ON FUNCTION sqm.govern_table(regclass, text, text) IS
  'Internal: row-level security with the policy <table>_visible (FOR SELECT USING visible), no privileges for PUBLIC, and registration for pg_dump of an extension table';

CREATE FUNCTION sqm.govern(kind text, tbl regclass, classes jsonb, label_sv text, label_en text,
                           details regclass DEFAULT NULL, details_classes jsonb DEFAULT NULL,
                           visible text DEFAULT 'sqm.may_see(org_id, unit_id, NULL)',
                           details_visible text DEFAULT NULL,
                           row_check regprocedure DEFAULT NULL, row_check_on text[] DEFAULT NULL,
                           announce boolean DEFAULT false,
                           readers text[] DEFAULT '{handlers,auditor,report_reader}',
                           details_readers text[] DEFAULT '{handlers}',
                           details_check regprocedure DEFAULT NULL, details_check_on text[] DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    sensitive  text;
    other      text;
    text_col   record;
BEGIN
    IF kind IS NULL OR tbl IS NULL OR classes IS NULL THEN
        RAISE EXCEPTION 'sqm.govern needs the kind, its table and the classes of its columns'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM sqm.govern_check_columns(tbl, format('the table of lifecycle kind "%s"', kind),
                                     '{org_id bigint,id bigint,state text,unit_id bigint}');

    -- The case row holds no personal data and no free text.
    PERFORM sqm.classify(tbl, classes, NULL, 'case');
    SELECT string_agg(format('"%s" (%s)', c.column_name, c.class), ', ' ORDER BY c.column_name) INTO sensitive
      FROM sqm.column_class c WHERE c.table_name = tbl AND c.class IN ('personal', 'free_text');
    IF sensitive IS NOT NULL THEN
        RAISE EXCEPTION 'case table % of lifecycle kind "%" has personal or free-text column %', tbl, kind, sensitive
            USING ERRCODE = 'invalid_object_definition',
                  DETAIL = 'A case row holds only what statistics need, so that statistics count every case whoever reads them.',
                  HINT = 'Move the column to the kind''s details table (details => ..., details_classes => ...).';
    END IF;

    IF details IS NOT NULL THEN
        PERFORM sqm.govern_check_columns(details, format('details table of lifecycle kind "%s"', kind),
                                         '{org_id bigint,id bigint}');
        IF NOT EXISTS (SELECT FROM pg_constraint p
                        WHERE p.conrelid = details AND p.contype IN ('p', 'u')
                          AND (SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_attribute a
                                WHERE a.attrelid = details AND a.attnum = ANY (p.conkey)) = '{id,org_id}')
           OR NOT EXISTS (SELECT FROM pg_constraint f
                           WHERE f.conrelid = details AND f.contype = 'f' AND f.confrelid = tbl
                             AND (SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_attribute a
                                   WHERE a.attrelid = details AND a.attnum = ANY (f.conkey)) = '{id,org_id}') THEN
            RAISE EXCEPTION 'details table % of lifecycle kind "%" is not keyed by its case', details, kind
                USING ERRCODE = 'invalid_object_definition',
                      DETAIL = 'One details row per case: (org_id, id) is its primary key and references the case.',
                      HINT = format('Declare PRIMARY KEY (org_id, id) and FOREIGN KEY (org_id, id) REFERENCES %s.', tbl);
        END IF;
        PERFORM sqm.classify(details, coalesce(details_classes, '{}'), NULL, 'details');
        SELECT string_agg(format('"%s" (%s)', c.column_name, c.class), ', ' ORDER BY c.column_name) INTO other
          FROM sqm.column_class c
         WHERE c.table_name = details AND c.class NOT IN ('personal', 'free_text')
           AND NOT (c.column_name IN ('org_id', 'id') AND c.class = 'internal');
        IF other IS NOT NULL THEN
            RAISE EXCEPTION 'details table % of lifecycle kind "%" has column % that is not personal data or free text',
                            details, kind, other
                USING ERRCODE = 'invalid_object_definition',
                      DETAIL = 'A details table holds the key of its case (internal) and the case''s personal data and free text, nothing else.',
                      HINT = 'Keep the column on the case row, where statistics read it.';
        END IF;
        -- blank text is never stored: NULL or something written
        FOR text_col IN SELECT a.attname FROM pg_attribute a
                         WHERE a.attrelid = details AND a.attnum > 0 AND NOT a.attisdropped
                           AND a.atttypid IN ('text'::regtype, 'varchar'::regtype)
                         ORDER BY a.attnum LOOP
            EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I CHECK (pg_catalog.btrim(%I) OPERATOR(pg_catalog.<>) %L)',
                           details, text_col.attname || '_not_blank', text_col.attname, '');
        END LOOP;
    ELSIF details_classes IS NOT NULL OR details_visible IS NOT NULL OR details_check IS NOT NULL THEN
        RAISE EXCEPTION 'lifecycle kind "%" has details classes or visibility but no details table', kind
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- The kind and its lifecycle trigger, audit trail and announcements.
    INSERT INTO sqm.lifecycle_kind (kind, governed_table, details_table, label_sv, label_en, row_check, row_check_on, builtin)
    VALUES (govern.kind, tbl, details, label_sv, label_en, row_check, row_check_on, sqm.extension_member(tbl));
    UPDATE sqm.column_class c SET kind = govern.kind WHERE c.table_name IN (tbl, details);

    EXECUTE format('CREATE TRIGGER lifecycle BEFORE INSERT OR UPDATE OR DELETE ON %s
                    FOR EACH ROW EXECUTE FUNCTION sqm.lifecycle_enforce(%L)', tbl, kind);
    -- a kind that announces its new cases has the audit trigger write the
    -- outbox row beside the create event (src/core/outbox.c; no NOTIFY)
    EXECUTE format('CREATE TRIGGER audit AFTER INSERT OR UPDATE ON %s
                    FOR EACH ROW EXECUTE FUNCTION sqm.audit_record(%L%s)', tbl, kind,
                   CASE WHEN announce THEN ', ''announce''' ELSE '' END);
    -- every registry number the case holds is claimed in the organisation's registry
    FOR text_col IN SELECT c.column_name FROM sqm.column_class c
                     WHERE c.table_name = tbl AND c.class = 'registry_number' ORDER BY c.column_name LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE ON %s
                        FOR EACH ROW EXECUTE FUNCTION sqm.registry_claim(%L)',
                       'registry_' || text_col.column_name, tbl, text_col.column_name);
    END LOOP;
    PERFORM sqm.govern_table(tbl, visible,
                             format('Who sees the rows of lifecycle kind "%s" (sqm.govern): %s', kind, visible));
    IF readers IS NOT NULL AND cardinality(readers) > 0 THEN
        PERFORM sqm.grant_privilege(kind, format('SELECT (%s) ON %s', sqm.reader_columns(tbl), tbl), readers);
    END IF;

    IF details IS NOT NULL THEN
        EXECUTE format('CREATE CONSTRAINT TRIGGER details_present AFTER INSERT ON %s DEFERRABLE INITIALLY DEFERRED
                        FOR EACH ROW EXECUTE FUNCTION sqm.details_present(%L)', tbl, kind);
        EXECUTE format('CREATE TRIGGER details BEFORE UPDATE OR DELETE ON %s
                        FOR EACH ROW EXECUTE FUNCTION sqm.details_enforce(%L)', details, kind);
        EXECUTE format('CREATE TRIGGER no_truncate BEFORE TRUNCATE ON %s
                        FOR EACH STATEMENT EXECUTE FUNCTION sqm.details_enforce(%L)', details, kind);
        EXECUTE format('CREATE TRIGGER audit AFTER INSERT OR UPDATE ON %s
                        FOR EACH ROW EXECUTE FUNCTION sqm.audit_record(%L, %L)', details, kind, 'details');
        -- readable with read_cases for the case's unit (the subquery sees the
        -- case table through its own policy), or as the kind allows
        PERFORM sqm.govern_table(details,
            format('EXISTS (SELECT FROM %1$s c WHERE c.org_id OPERATOR(pg_catalog.=) %2$I.org_id
                                                   AND c.id OPERATOR(pg_catalog.=) %2$I.id
                                                   AND sqm.may(c.org_id, c.unit_id, %3$L))%4$s',
                   tbl, (SELECT c.relname FROM pg_class c WHERE c.oid = details), 'read_cases',
                   CASE WHEN details_visible IS NULL THEN '' ELSE format(' OR (%s)', details_visible) END),
            format('The details of lifecycle kind "%s" are seen with capability read_cases for the case''s unit%s (sqm.govern)',
                   kind, CASE WHEN details_visible IS NULL THEN '' ELSE ', or when ' || details_visible END));
        IF details_readers IS NOT NULL AND cardinality(details_readers) > 0 THEN
            PERFORM sqm.grant_privilege(kind, format('SELECT ON %s', details), details_readers);
        END IF;
        -- the rules of the details, for every writer (src/core/row_check.c)
        IF details_check IS NOT NULL THEN
            PERFORM sqm.govern_row_check(kind, details, 'details', details_check, details_check_on);
        END IF;
    END IF;
END
$$;
COMMENT ON FUNCTION sqm.govern(text, regclass, jsonb, text, text, regclass, jsonb, text, text, regprocedure, text[], boolean, text[], text[],
                                regprocedure, text[]) IS
  'Wire the table that holds a kind''s cases, and its details table: registers the kind (sqm.lifecycle_kind, with its labels, details table and row check), records the column classes (refusing personal or free-text columns on the case row, and anything else in the details), the lifecycle and audit triggers (announce: the audit trigger writes each new case''s outbox row), the details triggers (no edit of a terminal case''s details, no delete, one details row per case at commit, audit of details changes as edits of the case), row-level security (visible; details: read_cases for the case''s unit, or details_visible), registration for pg_dump, no privileges for PUBLIC, SELECT for readers (the columns that are not personal or free text: the whole case row) and details_readers (the details), and the details table''s row check (details_check, called on every insert and on updates of details_check_on; sqm.row_check)';

CREATE FUNCTION sqm.govern_records(kind text, tbl regclass, classes jsonb, visible text,
                                   set_once text[] DEFAULT '{}',
                                   readers text[] DEFAULT '{handlers,auditor,report_reader}',
                                   personal_readers text[] DEFAULT '{handlers}',
                                   row_check regprocedure DEFAULT NULL, row_check_on text[] DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cols  text;
BEGIN
    IF kind IS NULL OR tbl IS NULL OR classes IS NULL OR visible IS NULL THEN
        RAISE EXCEPTION 'sqm.govern_records needs the kind, the table, the classes of its columns and who sees its rows'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM sqm.govern_check_columns(tbl, format('record table of lifecycle kind "%s"', kind), '{org_id bigint}');
    PERFORM sqm.classify(tbl, classes, kind, 'records');

    EXECUTE format('CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON %s FOR EACH ROW EXECUTE FUNCTION sqm.append_only(%s)',
                   tbl, (SELECT string_agg(quote_literal(c), ', ') FROM unnest(coalesce(set_once, '{}')) c));
    EXECUTE format('CREATE TRIGGER no_truncate BEFORE TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION sqm.append_only()', tbl);
    PERFORM sqm.govern_table(tbl, visible,
                             format('Who sees the records of %s (sqm.govern_records): %s', tbl, visible));
    cols := sqm.reader_columns(tbl);
    IF readers IS NOT NULL AND cardinality(readers) > 0 AND cols IS NOT NULL THEN
        PERFORM sqm.grant_privilege(kind, format('SELECT (%s) ON %s', cols, tbl), readers);
    END IF;
    IF personal_readers IS NOT NULL AND cardinality(personal_readers) > 0 THEN
        PERFORM sqm.grant_privilege(kind, format('SELECT ON %s', tbl), personal_readers);
    END IF;
    -- the rules of a record, for every writer (src/core/row_check.c)
    IF row_check IS NOT NULL THEN
        PERFORM sqm.govern_row_check(kind, tbl, 'records', row_check, row_check_on);
    END IF;
END
$$;
COMMENT ON FUNCTION sqm.govern_records(text, regclass, jsonb, text, text[], text[], text[], regprocedure, text[]) IS
  'Wire an append-only record table of a kind: records the column classes, the append-only triggers (SQ010; set_once: columns that may be set once, from NULL), row-level security (visible), registration for pg_dump, no privileges for PUBLIC, SELECT for readers (the columns that are not personal or free text) and personal_readers (every column), and its row check (row_check, called on every insert and on updates of row_check_on; sqm.row_check)';

REVOKE ALL ON FUNCTION sqm.class_columns(regclass, text[]), sqm.reader_columns(regclass),
                       sqm.govern_check_columns(regclass, text, text[]), sqm.govern_table(regclass, text, text),
                       sqm.govern(text, regclass, jsonb, text, text, regclass, jsonb, text, text, regprocedure, text[], boolean, text[], text[],
                                  regprocedure, text[]),
                       sqm.govern_records(text, regclass, jsonb, text, text[], text[], text[], regprocedure, text[])
    FROM PUBLIC;
SELECT sqm.grant_privilege('core', 'SELECT ON sqm.column_class', '{everyone}');
