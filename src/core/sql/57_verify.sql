-- Verification that sees cases (README "Backup and restore", "The audit
-- trail"): sqm.verify() runs the chain check, sqm.verify_audit(), and
-- reconciles the cases with the audit trail.  A chain that verifies says only
-- that the events are as they were written; after a restore that lost cases
-- (a plain pg_restore, whose triggers refused the cases while the trail came
-- back whole) or a change behind the trail's back (a superuser with triggers
-- disabled), the events and the cases disagree, and this is where it shows.
--
-- What the trail says of an object is the fold of its events: it exists if an
-- event created it, and each column holds the after-value of the latest event
-- that recorded the column (create, move and edit events alike, those of its
-- details row included: they are events of the same object); a column no
-- event recorded is NULL.  The audited tables are found from their triggers
-- (sqm.audit_record('<kind>'), and '<kind>', 'details' on a details table), so
-- every kind, and the case links, are covered without naming any.
--
-- Checked, per organisation: the chain (verify_audit); every object the trail
-- created has its row (and its details row, for a kind with details), in the
-- state and with the values of the fold; no row (case or details) exists that
-- the trail did not create; no object was created twice; every column the
-- trail records exists.  Values are compared as the text the audit trigger
-- writes (each type's output; dates and times in ISO 8601, UTC), and where the
-- texts differ as values of the column's type
-- (sqm.audit_same_value, C: a timestamptz recorded under another TimeZone is
-- the same moment).  A personal or free-text value is recorded as a salted
-- digest: it is compared by recomputing the digest of the value now with the
-- salt kept in sqm.audit_value -- and where retention erased that salt, it
-- cannot be compared, which the result says without counting it as a problem.
--
-- One query, built from the catalog and run once: one scan of the trail, of
-- sqm.audit_value and of each audited table, joined by hash or merge; no
-- query per row.

CREATE FUNCTION sqm.audit_same_value(expected text, found text, type oid) RETURNS boolean
  AS 'MODULE_PATHNAME', 'sqm_audit_same_value'
  LANGUAGE C STABLE PARALLEL UNSAFE;
COMMENT ON FUNCTION sqm.audit_same_value(text, text, oid) IS
  'Internal (sqm.verify): whether the text an audit event recorded and the text of a value now are the same value of the type (both read with its input function and compared with its equality); false if the recorded text is not a value of the type';

-- The fold of an object's events: their after-values merged in seq order, the
-- later value of a column replacing the earlier (jsonb ||).
CREATE AGGREGATE sqm.audit_fold(jsonb) (
    SFUNC = pg_catalog.jsonb_concat,
    STYPE = jsonb,
    INITCOND = '{}'
);
COMMENT ON AGGREGATE sqm.audit_fold(jsonb) IS
  'Internal (sqm.verify): the after-values of an object''s events merged in the aggregate''s order (ORDER BY seq): each column''s value of the latest event that recorded it';

CREATE FUNCTION sqm.verify(org bigint DEFAULT NULL, max_per_org integer DEFAULT 10)
RETURNS TABLE (ok boolean, org_id bigint, kind text, object_id bigint, column_name text,
               expected text, found text, problem text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET jit = off
SET TimeZone = 'UTC'
AS $fn$
DECLARE
    orgs        bigint[];   -- the organisations verified; NULL: all (superusers)
    tables      text;       -- every row of every audited table, and its differing columns
    kinds       text;       -- (kind, has_details, columns) of the audited tables
BEGIN
    IF max_per_org IS NULL OR max_per_org < 1 THEN
        RAISE EXCEPTION 'sqm.verify shows at least one discrepancy per organisation'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('max_per_org is %s.', coalesce(max_per_org::text, 'NULL')),
                  HINT = 'Give a positive number, or leave it out (10).';
    END IF;

    -- Authorisation before existence: an auditor (read_audit) of the
    -- organisation, or a superuser.  The function runs as the owner, who
    -- reads every table whole (RLS would hide rows and fake discrepancies).
    IF org IS NOT NULL THEN
        PERFORM sqm.authorize(org, NULL, 'read_audit', format('read audit for organisation %s', org));
        IF NOT EXISTS (SELECT FROM sqm.organisation o WHERE o.org_id = org) THEN
            RAISE EXCEPTION 'organisation % does not exist', org
                USING ERRCODE = 'undefined_object',
                      HINT = 'SELECT * FROM sqm.verify() verifies every organisation, and what belongs to none.';
        END IF;
        orgs := ARRAY[org];
    ELSIF NOT sqm.caller_is_superuser() THEN
        orgs := ARRAY(SELECT o.org_id FROM sqm.organisation o
                       WHERE sqm.may(o.org_id, NULL, 'read_audit') ORDER BY o.org_id);
        IF pg_catalog.cardinality(orgs) = 0 THEN
            RAISE EXCEPTION 'permission denied to read audit for any organisation'
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = format('%s (actor %s) has no sqm role with capability "read_audit".',
                                      sqm.caller_role(), sqm.actor()),
                      HINT = 'A quality coordinator can grant the role with sqm.grant_membership().';
        END IF;
    END IF;

    -- The audited tables and their columns, from their audit triggers.  A
    -- column is kept out of the chain (a salted digest) if its class is
    -- personal or free_text, or it has none -- as the audit trigger decides.
    -- Each table is read once, joined to the fold of its objects: a row
    -- gives one marker (column_name NULL, with its state) and one row per
    -- column whose text is not the text the fold holds.  A value's text is
    -- what the audit trigger writes: its type's output, and for dates and
    -- times ISO 8601, a timestamp with time zone in UTC (to_json, under this
    -- function's TimeZone).  A value the trail recorded otherwise (another
    -- writer's DateStyle, say) is compared as a value of its type.
    WITH audited AS (
        SELECT tg.tgrelid::regclass AS tbl, a.args[1] AS kind,
               coalesce(a.args[2] = 'details', false) AS details
          FROM pg_trigger tg
          CROSS JOIN LATERAL (SELECT (string_to_array(encode(tg.tgargs, 'escape'), E'\\000'))[1:tg.tgnargs] AS args) a
         WHERE tg.tgfoid = 'sqm.audit_record()'::regprocedure AND tg.tgnargs BETWEEN 1 AND 2
    ), cols AS (
        SELECT au.tbl, au.kind, au.details, att.attnum, att.attname::text AS attname, att.atttypid,
               coalesce(cc.class IN ('personal', 'free_text'), true) AS kept
          FROM audited au
          JOIN pg_attribute att ON att.attrelid = au.tbl AND att.attnum > 0 AND NOT att.attisdropped
                               AND att.attname NOT IN ('org_id', 'id')
          LEFT JOIN sqm.column_class cc ON cc.table_name = au.tbl AND cc.column_name = att.attname
    ), per_table AS (
        SELECT au.tbl, au.kind, au.details,
               format('SELECT %L::text AS kind, %L::boolean AS details, t.org_id, t.id, f.creates,'
                      ' v.column_name, v.typ, v.kept, v.found, v.expected'
                      ' FROM %s t LEFT JOIN folded f ON f.org_id = t.org_id AND f.kind = %L AND f.id = t.id'
                      ' CROSS JOIN LATERAL (SELECT * FROM (VALUES (NULL::text, NULL::oid, NULL::boolean, %s, NULL::text)%s)'
                      ' v(column_name, typ, kept, found, expected)'
                      ' WHERE v.column_name IS NULL OR (f.creates > 0 AND v.found IS DISTINCT FROM v.expected)) v'
                      ' WHERE $1 IS NULL OR t.org_id = ANY ($1)',
                      au.kind, au.details, au.tbl, au.kind,
                      CASE WHEN au.details THEN 'NULL::text' ELSE 't.state::text' END,
                      (SELECT string_agg(format(', (%L, %s::oid, %L::boolean, CASE WHEN t.%I IS NULL THEN NULL'
                                                ' ELSE %s END, f.fold ->> %L)',
                                                c.attname, c.atttypid::bigint, c.kept, c.attname,
                                                CASE WHEN c.atttypid IN ('date'::regtype, 'timestamp'::regtype,
                                                                         'timestamptz'::regtype)
                                                     THEN format('to_json(t.%I) #>> ''{}''', c.attname)
                                                     ELSE format('format(''%%s'', t.%I)', c.attname) END,
                                                c.attname),
                                         '' ORDER BY c.attnum)
                         FROM cols c WHERE c.tbl = au.tbl)) AS q
          FROM audited au
    )
    SELECT string_agg(p.q, ' UNION ALL ' ORDER BY p.kind, p.details, p.tbl::text),
           (SELECT string_agg(format('(%L, %L::boolean, %L::text[])', k.kind, k.has_details, k.cols), ', ')
              FROM (SELECT au.kind, bool_or(au.details) AS has_details,
                           ARRAY(SELECT DISTINCT c.attname FROM cols c WHERE c.kind = au.kind ORDER BY 1) AS cols
                      FROM audited au GROUP BY au.kind) k)
      INTO tables, kinds
      FROM per_table p;

    RETURN QUERY EXECUTE format($q$
WITH folded AS MATERIALIZED (
    SELECT e.org_id, e.object_kind AS kind, e.object_id AS id,
           count(*) FILTER (WHERE e.change = 'create') AS creates,
           min(e.seq) FILTER (WHERE e.change = 'create') AS created_seq,
           min(e.seq) AS first_seq,
           sqm.audit_fold(e.after ORDER BY e.seq) AS fold
      FROM sqm.audit_event e
     WHERE $1 IS NULL OR e.org_id = ANY ($1)
     GROUP BY e.org_id, e.object_kind, e.object_id
), kinds (kind, has_details, cols) AS (
    VALUES %s
), cur AS MATERIALIZED (
    %s
), rows AS (
    SELECT c.kind, c.details, c.org_id, c.id, c.creates, c.found AS state FROM cur c WHERE c.column_name IS NULL
), kept AS (
    -- the latest kept value of each column of each object, for its salt
    SELECT DISTINCT ON (v.org_id, e.object_kind, e.object_id, v.column_name)
           v.org_id, e.object_kind AS kind, e.object_id AS id, v.column_name, v.seq, v.salt, v.value
      FROM sqm.audit_value v
      JOIN sqm.audit_event e ON e.org_id = v.org_id AND e.seq = v.seq
     WHERE v.side = 'after' AND ($1 IS NULL OR v.org_id = ANY ($1))
     ORDER BY v.org_id, e.object_kind, e.object_id, v.column_name, v.seq DESC
), judged AS (
    SELECT c.org_id, c.kind, c.id, c.column_name, c.kept, c.found, c.expected, k.seq, k.salt,
           CASE WHEN c.expected LIKE 'sha256:%%' AND (c.kept OR k.seq IS NOT NULL) THEN
                  CASE WHEN k.seq IS NULL THEN 'unkept'
                       WHEN k.salt IS NULL THEN 'erased'
                       WHEN 'sha256:' || encode(sha256(k.salt || convert_to(k.value, getdatabaseencoding())), 'hex')
                            <> c.expected THEN 'unkept'
                       WHEN c.found IS NOT NULL
                        AND 'sha256:' || encode(sha256(k.salt || convert_to(c.found, getdatabaseencoding())), 'hex')
                            = c.expected THEN 'same'
                       ELSE 'differs' END
                WHEN sqm.audit_same_value(c.expected, c.found, c.typ) THEN 'same'
                ELSE 'differs' END AS verdict
      FROM cur c
      LEFT JOIN kept k ON c.expected LIKE 'sha256:%%' AND k.org_id = c.org_id AND k.kind = c.kind AND k.id = c.id
                      AND k.column_name = c.column_name
     WHERE c.column_name IS NOT NULL
), problems AS (
    SELECT a.org_id, 1 AS ord, 'audit_event'::text AS kind, a.seq AS object_id, NULL::text AS column_name,
           NULL::text AS expected, NULL::text AS found, 'chain: ' || a.problem AS problem
      FROM sqm.verify_audit($2) a
     WHERE NOT a.ok AND ($1 IS NULL OR a.org_id = ANY ($1))
    UNION ALL
    SELECT f.org_id, 2, f.kind, f.id, NULL, NULL, NULL,
           format('kind: the audit trail records %%s %%s, and no table of sqm is audited as %%s', f.kind, f.id, f.kind)
      FROM folded f
     WHERE NOT EXISTS (SELECT FROM kinds WHERE kinds.kind = f.kind)
    UNION ALL
    SELECT f.org_id, 3, f.kind, f.id, NULL, f.fold ->> 'state', NULL,
           format('missing: the audit trail created %%s %%s (event %%s), and its table has no row of it',
                  f.kind, f.id, f.created_seq)
      FROM folded f
     WHERE f.creates > 0 AND EXISTS (SELECT FROM kinds WHERE kinds.kind = f.kind)
       AND NOT EXISTS (SELECT FROM rows r WHERE NOT r.details AND r.org_id = f.org_id AND r.kind = f.kind AND r.id = f.id)
    UNION ALL
    SELECT f.org_id, 4, f.kind, f.id, NULL, NULL, NULL,
           CASE WHEN f.creates = 0
                THEN format('no create: the audit trail has events of %%s %%s (from event %%s on) but none created it',
                            f.kind, f.id, f.first_seq)
                ELSE format('created twice: the audit trail creates %%s %%s %%s times (first at event %%s)',
                            f.kind, f.id, f.creates, f.created_seq) END
      FROM folded f
     WHERE f.creates <> 1 AND EXISTS (SELECT FROM kinds WHERE kinds.kind = f.kind)
    UNION ALL
    SELECT r.org_id, 5, r.kind, r.id, NULL, NULL, r.state,
           format('unknown: %%s %%s is not in the audit trail (no event created it)', r.kind, r.id)
      FROM rows r
     WHERE NOT r.details AND coalesce(r.creates, 0) = 0
    UNION ALL
    SELECT f.org_id, 6, f.kind, f.id, NULL, NULL, NULL,
           format('details missing: %%s %%s has no details row', f.kind, f.id)
      FROM folded f JOIN kinds ON kinds.kind = f.kind AND kinds.has_details
     WHERE f.creates > 0
       AND EXISTS (SELECT FROM rows r WHERE NOT r.details AND r.org_id = f.org_id AND r.kind = f.kind AND r.id = f.id)
       AND NOT EXISTS (SELECT FROM rows r WHERE r.details AND r.org_id = f.org_id AND r.kind = f.kind AND r.id = f.id)
    UNION ALL
    SELECT r.org_id, 7, r.kind, r.id, NULL, NULL, NULL,
           format('unknown details: a details row of %%s %%s, which neither the audit trail nor its case table holds',
                  r.kind, r.id)
      FROM rows r
     WHERE r.details AND coalesce(r.creates, 0) = 0
       AND NOT EXISTS (SELECT FROM rows c WHERE NOT c.details AND c.org_id = r.org_id AND c.kind = r.kind AND c.id = r.id)
    UNION ALL
    SELECT f.org_id, 8, f.kind, f.id, x.column_name, f.fold ->> x.column_name, NULL,
           format('column: the audit trail records column %%s of %%s %%s, which no table audited as %%s has',
                  x.column_name, f.kind, f.id, f.kind)
      FROM folded f
      JOIN kinds ON kinds.kind = f.kind
     CROSS JOIN LATERAL jsonb_object_keys(f.fold - kinds.cols) x(column_name)
    UNION ALL
    SELECT j.org_id, 9, j.kind, j.id, j.column_name, j.expected,
           CASE WHEN NOT j.kept OR j.found IS NULL THEN j.found
                WHEN j.verdict = 'differs' AND j.salt IS NOT NULL
                THEN 'sha256:' || encode(sha256(j.salt || convert_to(j.found, getdatabaseencoding())), 'hex')
                ELSE '(not shown: personal data or free text)' END,
           CASE WHEN j.verdict = 'unkept'
                THEN format('value: column %%s of %%s %%s is a digest whose value sqm.audit_value does not keep',
                            j.column_name, j.kind, j.id)
                WHEN j.expected IS NULL AND NOT (f.fold ? j.column_name)
                THEN format('value: column %%s of %%s %%s holds a value no event recorded', j.column_name, j.kind, j.id)
                ELSE format('value: column %%s of %%s %%s is not what its latest event recorded', j.column_name, j.kind, j.id)
           END
      FROM judged j
      JOIN folded f ON f.org_id = j.org_id AND f.kind = j.kind AND f.id = j.id
     WHERE j.verdict IN ('differs', 'unkept')
), ranked AS (
    SELECT p.*, row_number() OVER w AS rn, count(*) OVER (PARTITION BY p.org_id) AS n
      FROM problems p
    WINDOW w AS (PARTITION BY p.org_id ORDER BY p.ord, p.kind, p.object_id, p.column_name)
), erased AS (
    SELECT j.org_id, j.kind, j.id, j.column_name, j.seq,
           row_number() OVER (PARTITION BY j.org_id ORDER BY j.kind, j.id, j.column_name) AS rn,
           count(*) OVER (PARTITION BY j.org_id) AS n
      FROM judged j
     WHERE j.verdict = 'erased'
), result AS (
    SELECT false AS ok, r.org_id, r.kind, r.object_id, r.column_name, r.expected, r.found, r.problem,
           0 AS part, r.rn
      FROM ranked r
     WHERE r.rn <= $3
    UNION ALL
    SELECT false, r.org_id, NULL, NULL, NULL, NULL, NULL,
           format('more: %%s further discrepancies not shown (sqm.verify(org, max_per_org) shows more)', r.n - $3),
           1, 0
      FROM ranked r
     WHERE r.rn = 1 AND r.n > $3
    UNION ALL
    SELECT true, e.org_id, e.kind, e.id, e.column_name, NULL, NULL,
           format('not compared: %%s value(s) whose kept value retention erased, e.g. this one of event %%s (not a problem)',
                  e.n, e.seq),
           2, 0
      FROM erased e
     WHERE e.rn = 1
)
SELECT x.ok, x.org_id, x.kind, x.object_id, x.column_name, x.expected, x.found, x.problem
  FROM (SELECT * FROM result
        UNION ALL
        SELECT true, $2, NULL, NULL, NULL, NULL, NULL, NULL, 3, 0
         WHERE NOT EXISTS (SELECT FROM result)) x
 ORDER BY x.org_id NULLS FIRST, x.part, x.rn
$q$,
        coalesce(kinds, '(NULL::text, NULL::boolean, NULL::text[])'),
        coalesce(tables, 'SELECT NULL::text, NULL::boolean, NULL::bigint, NULL::bigint, NULL::bigint, NULL::text,'
                         ' NULL::oid, NULL::boolean, NULL::text, NULL::text WHERE false'))
    USING orgs, org, max_per_org;
END
$fn$;
COMMENT ON FUNCTION sqm.verify(bigint, integer) IS
  'Verifies an organisation (or every one): the audit chain (sqm.verify_audit), and the cases against the trail -- every object the trail created exists with its details row, in the state and with the values its latest events record (personal data and free text by their salted digests), and no row exists the trail does not know. One row ok = true, or per organisation its first discrepancies (kind, id, column, expected, found, problem), at most max_per_org and a "more" row; values whose kept value retention erased are named as not compared (ok = true)';

REVOKE ALL ON FUNCTION sqm.audit_same_value(text, text, oid), sqm.audit_fold(jsonb), sqm.verify(bigint, integer) FROM PUBLIC;
SELECT sqm.grant_privilege('core', 'EXECUTE ON FUNCTION sqm.verify(bigint, integer)', '{auditor,quality_coordinator}');
