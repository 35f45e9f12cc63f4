-- Case links and constructors (doc/core.md, "Case links, constructors and the
-- registry"): one case stands in a relation to another of the same
-- organisation — one case escalated to a case of another kind, one that
-- revealed another — and a kind can create a linked case of another kind
-- without either folder naming the other.
--
--   sqm.case_relation     the relations the kinds accept: from a kind (NULL:
--                         any), by name, to a kind (NULL: any), with the
--                         capability the caller needs on the from-case
--   sqm.case_constructor  a kind's constructor: the function another kind
--                         calls, through sqm.create_linked_case(), to create a
--                         case of it linked from one of its own
--   sqm.case_link         the links; checked by the C trigger
--                         sqm.case_link_check() (src/core/case_link.c) for
--                         every writer, append-only, audited
--
-- The kind that accepts links declares them (its kind.sql inserts into
-- sqm.case_relation and, if other kinds may create its cases, into
-- sqm.case_constructor), so a new target kind needs no change in the folder of
-- the kind that links to it.

-- ---------------------------------------------------------------------------
-- Looking up a case of any kind (src/core/cases.c).  Not granted to any role:
-- they answer for every case, so only functions that authorise first call them.

CREATE FUNCTION sqm.case_exists(kind text, org bigint, id bigint) RETURNS boolean
  AS 'MODULE_PATHNAME', 'sqm_case_exists'
  LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION sqm.case_exists(text, bigint, bigint) IS
  'Internal: whether a case of the kind exists in the organisation (false for an unknown kind); looked up as the governed table''s owner';

CREATE FUNCTION sqm.case_unit(kind text, org bigint, id bigint) RETURNS bigint
  AS 'MODULE_PATHNAME', 'sqm_case_unit'
  LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION sqm.case_unit(text, bigint, bigint) IS
  'Internal: the unit a case belongs to; NULL for an unknown kind or case, or a kind without unit_id';

CREATE FUNCTION sqm.case_lookup_stats() RETURNS TABLE (prepares bigint, lookups bigint)
  AS 'MODULE_PATHNAME', 'sqm_case_lookup_stats'
  LANGUAGE C VOLATILE;
COMMENT ON FUNCTION sqm.case_lookup_stats() IS
  'This session''s case lookups (links, registry, their RLS): how many plans were prepared (once per governed table, again after it changed) and how many lookups ran';

-- Whether the caller may read a case: read_cases on its unit (organisation-wide
-- for a kind without units, and for a case that does not exist).  For RLS;
-- C (src/core/access.c).
CREATE FUNCTION sqm.may_read_case(org bigint, kind text, id bigint) RETURNS boolean
  AS 'MODULE_PATHNAME', 'sqm_may_read_case' LANGUAGE C STABLE;
COMMENT ON FUNCTION sqm.may_read_case(bigint, text, bigint) IS
  'RLS: whether the caller has read_cases for the unit of a case (organisation-wide if it has none or does not exist)';

-- Whether the caller reported a case (its details row's reported_by) and may
-- still create cases of its kind for its unit: a reporter sees their own
-- reports.  For RLS; C (src/core/access.c), reading both rows as the tables'
-- owner, so that a case table's policy may ask about its details table,
-- whose policy asks about the case table, without recursion.
CREATE FUNCTION sqm.caller_reported(org bigint, kind text, id bigint) RETURNS boolean
  AS 'MODULE_PATHNAME', 'sqm_caller_reported' LANGUAGE C STABLE;
COMMENT ON FUNCTION sqm.caller_reported(bigint, text, bigint) IS
  'RLS: whether the caller reported the case (reported_by of its details row is sqm.caller_identity()) and holds, for its unit, the capability of its kind''s create action (a reporter sees their own reports)';

REVOKE ALL ON FUNCTION sqm.case_exists(text, bigint, bigint), sqm.case_unit(text, bigint, bigint),
                       sqm.case_lookup_stats(), sqm.may_read_case(bigint, text, bigint),
                       sqm.caller_reported(bigint, text, bigint) FROM PUBLIC;


-- ---------------------------------------------------------------------------
-- The relations the kinds accept.

CREATE TABLE sqm.case_relation (
    from_kind         text REFERENCES sqm.lifecycle_kind,
    relation          text NOT NULL CHECK (relation OPERATOR(pg_catalog.~) '^[a-z][a-z0-9_]{0,62}$'),
    to_kind           text REFERENCES sqm.lifecycle_kind,
    capability        text NOT NULL CHECK (pg_catalog.btrim(capability) OPERATOR(pg_catalog.<>) ''),
    label_sv          text NOT NULL,
    label_en          text NOT NULL,
    inverse_label_sv  text NOT NULL,
    inverse_label_en  text NOT NULL,
    builtin           boolean NOT NULL DEFAULT false,
    UNIQUE NULLS NOT DISTINCT (from_kind, relation, to_kind)
);
COMMENT ON TABLE sqm.case_relation IS
  'The relations a case link may have: from a kind, by name, to a kind (NULL: any kind), declared by the kind that accepts the link; checked by sqm.case_link_check()';
COMMENT ON COLUMN sqm.case_relation.from_kind IS 'Kind of the case the link starts from; NULL: any kind';
COMMENT ON COLUMN sqm.case_relation.relation IS 'Name of the relation, e.g. escalated_to';
COMMENT ON COLUMN sqm.case_relation.to_kind IS 'Kind of the case the link points to; NULL: any kind';
COMMENT ON COLUMN sqm.case_relation.capability IS
  'Capability the caller needs for the from-case''s unit to link (sqm.link_cases) or create a linked case (sqm.create_linked_case)';
COMMENT ON COLUMN sqm.case_relation.label_sv IS 'Swedish label read from the from-case, e.g. eskalerad till';
COMMENT ON COLUMN sqm.case_relation.label_en IS 'English label read from the from-case, e.g. escalated to';
COMMENT ON COLUMN sqm.case_relation.inverse_label_sv IS 'Swedish label read from the to-case, e.g. eskalerad från';
COMMENT ON COLUMN sqm.case_relation.inverse_label_en IS 'English label read from the to-case, e.g. escalated from';
COMMENT ON COLUMN sqm.case_relation.builtin IS 'Inserted by sqm''s install scripts (not dumped: the script recreates it)';
REVOKE ALL ON sqm.case_relation FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('sqm.case_relation', 'WHERE NOT builtin');
SELECT sqm.classify('sqm.case_relation', '{"statistic": ["from_kind", "relation", "to_kind", "label_sv", "label_en",
    "inverse_label_sv", "inverse_label_en"], "internal": ["capability", "builtin"]}');

-- The capability of the declaration that covers a relation from one kind to
-- another (the most specific, when several do); NULL if none does.
CREATE FUNCTION sqm.case_relation_capability(from_kind text, relation text, to_kind text) RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT r.capability FROM sqm.case_relation r
     WHERE r.relation OPERATOR(pg_catalog.=) case_relation_capability.relation
       AND (r.from_kind OPERATOR(pg_catalog.=) case_relation_capability.from_kind OR r.from_kind IS NULL)
       AND (r.to_kind OPERATOR(pg_catalog.=) case_relation_capability.to_kind OR r.to_kind IS NULL)
     ORDER BY r.from_kind IS NULL, r.to_kind IS NULL
     LIMIT 1;
END;
COMMENT ON FUNCTION sqm.case_relation_capability(text, text, text) IS
  'The capability a caller needs on the from-case to link it by a relation to a case of a kind; NULL if no declaration covers the relation';


-- ---------------------------------------------------------------------------
-- Constructors.

CREATE TABLE sqm.case_constructor (
    kind         text PRIMARY KEY REFERENCES sqm.lifecycle_kind,
    constructor  regprocedure NOT NULL,
    builtin      boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE sqm.case_constructor IS
  'A kind''s constructor: the function sqm.create_linked_case() calls to create a case of the kind linked from a case of another kind';
COMMENT ON COLUMN sqm.case_constructor.constructor IS
  'f(org bigint, from_kind text, from_id bigint, relation text, args jsonb) RETURNS bigint: creates the case (authorising the caller itself, e.g. with sqm.authorize) and returns its id';
COMMENT ON COLUMN sqm.case_constructor.builtin IS 'Inserted by sqm''s install scripts (not dumped: the script recreates it)';
REVOKE ALL ON sqm.case_constructor FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('sqm.case_constructor', 'WHERE NOT builtin');
SELECT sqm.classify('sqm.case_constructor', '{"internal": ["kind", "constructor", "builtin"]}');

-- A constructor has the signature sqm.create_linked_case() calls.
CREATE FUNCTION sqm.case_constructor_check() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    fn  record;
BEGIN
    SELECT array_to_string(p.proargtypes::regtype[], ',') AS args, p.prorettype, p.proretset, p.prokind INTO fn
      FROM pg_proc p WHERE p.oid = NEW.constructor;
    IF fn.args IS DISTINCT FROM 'bigint,text,bigint,text,jsonb' THEN
        RAISE EXCEPTION 'constructor % of kind "%" must take (bigint, text, bigint, text, jsonb)', NEW.constructor, NEW.kind
            USING ERRCODE = 'undefined_function',
                  DETAIL = format('It takes (%s).', pg_get_function_identity_arguments(NEW.constructor)),
                  HINT = 'Declare it as FUNCTION f(org bigint, from_kind text, from_id bigint, relation text, args jsonb) RETURNS bigint.';
    END IF;
    IF fn.prokind <> 'f' OR fn.proretset OR fn.prorettype <> 'bigint'::regtype THEN
        RAISE EXCEPTION 'constructor % of kind "%" must be a function returning bigint', NEW.constructor, NEW.kind
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('It is %s returning %s%s.',
                                  CASE fn.prokind WHEN 'p' THEN 'a procedure' WHEN 'a' THEN 'an aggregate'
                                                  WHEN 'w' THEN 'a window function' ELSE 'a function' END,
                                  CASE WHEN fn.proretset THEN 'setof ' ELSE '' END, fn.prorettype::regtype),
                  HINT = 'A constructor returns the id of the case it created.';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION sqm.case_constructor_check() IS
  'Trigger: a constructor is a function f(bigint, text, bigint, text, jsonb) returning bigint';
CREATE TRIGGER case_constructor_check BEFORE INSERT OR UPDATE ON sqm.case_constructor
    FOR EACH ROW EXECUTE FUNCTION sqm.case_constructor_check();


-- ---------------------------------------------------------------------------
-- The links.

CREATE TABLE sqm.case_link (
    org_id      bigint NOT NULL REFERENCES sqm.organisation,
    id          bigint NOT NULL DEFAULT pg_catalog.nextval('sqm.case_id_seq'),
    state       text NOT NULL DEFAULT 'linked' CHECK (state OPERATOR(pg_catalog.=) 'linked'),
    from_kind   text NOT NULL REFERENCES sqm.lifecycle_kind,
    from_id     bigint NOT NULL,
    relation    text NOT NULL,
    to_kind     text NOT NULL REFERENCES sqm.lifecycle_kind,
    to_id       bigint NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT sqm.now(),
    created_by  text NOT NULL DEFAULT sqm.caller_identity(),
    PRIMARY KEY (org_id, id),
    CONSTRAINT case_link_key UNIQUE (org_id, from_kind, from_id, relation, to_kind, to_id),
    CHECK (from_kind OPERATOR(pg_catalog.<>) to_kind OR from_id OPERATOR(pg_catalog.<>) to_id)
);
CREATE INDEX case_link_to_idx ON sqm.case_link (org_id, to_kind, to_id);
COMMENT ON TABLE sqm.case_link IS
  'Links between cases of one organisation: from a case, by a declared relation, to a case; append-only, audited (kind case_link), written through sqm.link_cases and sqm.create_linked_case';
COMMENT ON COLUMN sqm.case_link.id IS 'Number of the link (the audit trail''s object_id for kind case_link)';
COMMENT ON COLUMN sqm.case_link.state IS
  'Always linked: a link is recorded once and never changes; the column lets the audit trigger record it as a governed row';
COMMENT ON COLUMN sqm.case_link.relation IS 'A relation sqm.case_relation declares from from_kind to to_kind';
COMMENT ON COLUMN sqm.case_link.created_by IS 'Who linked: sqm.caller_identity()';
REVOKE ALL ON sqm.case_link FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('sqm.case_link', '');
SELECT sqm.classify('sqm.case_link', '{"internal": ["org_id", "id", "state", "from_id", "to_id"],
    "statistic": ["from_kind", "relation", "to_kind"], "exact_time": ["created_at"], "personal": ["created_by"]}',
    part => 'records');

CREATE FUNCTION sqm.case_link_check() RETURNS trigger
  AS 'MODULE_PATHNAME', 'sqm_case_link_check'
  LANGUAGE C;
COMMENT ON FUNCTION sqm.case_link_check() IS
  'Trigger (BEFORE INSERT FOR EACH ROW on sqm.case_link): both kinds registered, the relation declared from the one to the other, both ends cases of the link''s organisation; otherwise 23503';
REVOKE ALL ON FUNCTION sqm.case_link_check() FROM PUBLIC;

CREATE TRIGGER case_link_check BEFORE INSERT ON sqm.case_link
    FOR EACH ROW EXECUTE FUNCTION sqm.case_link_check();
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON sqm.case_link
    FOR EACH ROW EXECUTE FUNCTION sqm.append_only();
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON sqm.case_link
    FOR EACH STATEMENT EXECUTE FUNCTION sqm.append_only();
CREATE TRIGGER audit AFTER INSERT ON sqm.case_link
    FOR EACH ROW EXECUTE FUNCTION sqm.audit_record('case_link');

-- A declaration is not withdrawn from links that need it: after a change or
-- removal every link still has a declaration that covers it.
CREATE FUNCTION sqm.case_relation_in_use() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    orphan  record;
BEGIN
    SELECT l.org_id, l.from_kind, l.from_id, l.relation, l.to_kind, l.to_id INTO orphan
      FROM sqm.case_link l
     WHERE l.relation = OLD.relation
       AND (OLD.from_kind IS NULL OR l.from_kind = OLD.from_kind)
       AND (OLD.to_kind IS NULL OR l.to_kind = OLD.to_kind)
       AND sqm.case_relation_capability(l.from_kind, l.relation, l.to_kind) IS NULL
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'relation "%" from % to % is used by case links', OLD.relation,
                        coalesce(OLD.from_kind, 'any kind'), coalesce(OLD.to_kind, 'any kind')
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = format('The link from %s %s to %s %s of organisation %s would have no declaration.',
                                  orphan.from_kind, orphan.from_id, orphan.to_kind, orphan.to_id, orphan.org_id),
                  HINT = 'Links are never removed; a relation they use stays declared.';
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION sqm.case_relation_in_use() IS
  'Trigger: a change or removal of a relation''s declaration leaves every case link covered by a declaration';
CREATE TRIGGER case_relation_in_use AFTER UPDATE OR DELETE ON sqm.case_relation
    FOR EACH ROW EXECUTE FUNCTION sqm.case_relation_in_use();

-- A link is seen by whoever may read the cases at both ends.
ALTER TABLE sqm.case_link ENABLE ROW LEVEL SECURITY;
CREATE POLICY case_link_visible ON sqm.case_link FOR SELECT
    USING (sqm.may_read_case(org_id, from_kind, from_id) AND sqm.may_read_case(org_id, to_kind, to_id));
COMMENT ON POLICY case_link_visible ON sqm.case_link IS
  'A member sees a link when their sqm role has read_cases for the units of both its ends';


-- ---------------------------------------------------------------------------
-- The API.  SECURITY DEFINER with a pinned search_path, as every writer: the
-- relation must be declared (facts of the schema), then the caller is
-- authorised on the from-case with the relation's capability and on the
-- to-case with read_cases, with the write path's contract: 42501 when the
-- caller holds the capability nowhere in the organisation, else 42704 alike
-- for a case that does not exist and one the caller may not act on.

-- The declaration's capability, or 23503 naming the relation and kinds.
CREATE FUNCTION sqm.case_relation_declared(from_kind text, relation text, to_kind text) RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    label_from text := (SELECT coalesce(k.label_en, k.kind) FROM sqm.lifecycle_kind k WHERE k.kind = from_kind);
    label_to text := (SELECT coalesce(k.label_en, k.kind) FROM sqm.lifecycle_kind k WHERE k.kind = to_kind);
    cap  text := sqm.case_relation_capability(from_kind, relation, to_kind);
    declared text;
BEGIN
    IF label_from IS NULL OR label_to IS NULL THEN
        RAISE EXCEPTION 'unknown kind of case "%"', CASE WHEN label_from IS NULL THEN from_kind ELSE to_kind END
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = format('Known kinds: %s.', (SELECT string_agg(k.kind, ', ' ORDER BY k.kind) FROM sqm.lifecycle_kind k));
    END IF;
    IF cap IS NULL THEN
        SELECT string_agg(DISTINCT r.relation, ', ' ORDER BY r.relation) INTO declared FROM sqm.case_relation r
         WHERE (r.from_kind = case_relation_declared.from_kind OR r.from_kind IS NULL)
           AND (r.to_kind = case_relation_declared.to_kind OR r.to_kind IS NULL);
        RAISE EXCEPTION 'relation "%" from % to % is not declared', relation, label_from, label_to
            USING ERRCODE = 'foreign_key_violation',
                  HINT = CASE WHEN declared IS NULL
                              THEN format('No relation is declared from %s to %s.', label_from, label_to)
                              ELSE format('Relations declared from %s to %s: %s.', label_from, label_to, declared) END;
    END IF;
    RETURN cap;
END
$$;
COMMENT ON FUNCTION sqm.case_relation_declared(text, text, text) IS
  'Internal: the capability a relation from one kind to another needs; 22023 for an unknown kind, 23503 if the relation is not declared';

-- Authorise the caller for a capability on a case of any kind (C, the write
-- path's contract): 42501 when the caller holds it nowhere in the
-- organisation, else 42704 "no <kind> N that you may <verb>" alike for a case
-- that does not exist and one the caller's roles do not cover; returns its
-- unit.  Nothing is locked.
CREATE FUNCTION sqm.authorize_case(org bigint, kind text, id bigint, capability text, verb text,
                                   suffix text DEFAULT '') RETURNS bigint
  AS 'MODULE_PATHNAME', 'sqm_authorize_case' LANGUAGE C;
COMMENT ON FUNCTION sqm.authorize_case(bigint, text, bigint, text, text, text) IS
  'Internal: authorise a capability (e.g. a case relation''s) on a case of any kind -- 42501 unless the caller holds it somewhere in the organisation, then 42704 "no <kind> N that you may <verb><suffix>" unless the case exists and the caller''s roles cover its unit; returns the unit';

CREATE FUNCTION sqm.link_cases(org bigint, from_kind text, from_id bigint, relation text, to_kind text, to_id bigint,
                               reason text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cap      text := sqm.case_relation_declared(from_kind, relation, to_kind);
    label_from text := (SELECT coalesce(k.label_en, k.kind) FROM sqm.lifecycle_kind k WHERE k.kind = from_kind);
    label_to text := (SELECT coalesce(k.label_en, k.kind) FROM sqm.lifecycle_kind k WHERE k.kind = to_kind);
    link_id  bigint;
BEGIN
    PERFORM sqm.authorize_case(org, from_kind, from_id, cap, 'link', format(' as "%s"', relation));
    PERFORM sqm.authorize_case(org, to_kind, to_id, 'read_cases', 'read');
    PERFORM sqm.audit_set_context('api', reason);
    INSERT INTO sqm.case_link AS l (org_id, from_kind, from_id, relation, to_kind, to_id)
    VALUES (org, from_kind, from_id, relation, to_kind, to_id)
    ON CONFLICT ON CONSTRAINT case_link_key DO NOTHING
    RETURNING l.id INTO link_id;
    PERFORM sqm.audit_clear_context();
    IF link_id IS NULL THEN
        RAISE EXCEPTION '% % is already linked "%" to % %', label_from, from_id, relation, label_to, to_id
            USING ERRCODE = 'unique_violation',
                  HINT = 'A link is recorded once.';
    END IF;
    RETURN link_id;
END
$$;
COMMENT ON FUNCTION sqm.link_cases(bigint, text, bigint, text, text, bigint, text) IS
  'Link two existing cases of an organisation by a declared relation; the caller needs the relation''s capability for the from-case and read_cases for the to-case; returns the link''s id';

CREATE FUNCTION sqm.create_linked_case(org bigint, from_kind text, from_id bigint, relation text, to_kind text,
                                       args jsonb DEFAULT '{}', reason text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cap      text := sqm.case_relation_declared(from_kind, relation, to_kind);
    label_from text := (SELECT coalesce(k.label_en, k.kind) FROM sqm.lifecycle_kind k WHERE k.kind = from_kind);
    fn       record;
    new_id   bigint;
BEGIN
    PERFORM sqm.authorize_case(org, from_kind, from_id, cap, 'link', format(' as "%s"', relation));
    SELECT quote_ident(n.nspname) || '.' || quote_ident(p.proname) AS name, c.constructor INTO fn
      FROM sqm.case_constructor c
      JOIN pg_proc p ON p.oid = c.constructor
      JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE c.kind = create_linked_case.to_kind;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'kind "%" has no constructor', to_kind
            USING ERRCODE = 'undefined_function',
                  DETAIL = format('No row of sqm.case_constructor creates a %s from %s %s.',
                                  coalesce((SELECT coalesce(k.label_en, k.kind) FROM sqm.lifecycle_kind k
                                             WHERE k.kind = create_linked_case.to_kind), to_kind),
                                  label_from, from_id),
                  HINT = 'Create the case through its own API and link it with sqm.link_cases().';
    END IF;
    -- the constructor's writes, and the link, are this call's: they record its
    -- reason (a context the constructor sets without one takes this one's)
    PERFORM sqm.audit_set_context('api', reason);
    EXECUTE format('SELECT %s($1::bigint, $2::text, $3::bigint, $4::text, $5::jsonb)', fn.name)
       INTO new_id USING org, from_kind, from_id, relation, coalesce(args, '{}');
    IF new_id IS NULL THEN
        RAISE EXCEPTION 'constructor % of kind "%" returned no id', fn.constructor, to_kind
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'A constructor returns the id of the case it created.';
    END IF;
    INSERT INTO sqm.case_link (org_id, from_kind, from_id, relation, to_kind, to_id)
    VALUES (org, from_kind, from_id, relation, to_kind, new_id);
    PERFORM sqm.audit_clear_context();
    RETURN new_id;
END
$$;
COMMENT ON FUNCTION sqm.create_linked_case(bigint, text, bigint, text, text, jsonb, text) IS
  'Create a case of to_kind with its kind''s constructor (which authorises the creation) and link it from a case by a declared relation, in one transaction; the caller needs the relation''s capability for the from-case; returns the new case''s id';

-- Every link of a case, both ways, labelled from the case's side.  SECURITY
-- INVOKER: the caller sees the links RLS lets them see.
CREATE FUNCTION sqm.linked_cases(org bigint, kind text, id bigint, lang text DEFAULT NULL)
RETURNS TABLE (link_id bigint, direction text, relation text, label text, other_kind text, other_id bigint,
               created_at timestamptz, created_by text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT l.id, d.direction, l.relation,
           CASE WHEN sqm.label_language(linked_cases.org, linked_cases.lang) OPERATOR(pg_catalog.=) 'en'
                THEN CASE d.direction WHEN 'to' THEN r.label_en ELSE r.inverse_label_en END
                ELSE CASE d.direction WHEN 'to' THEN r.label_sv ELSE r.inverse_label_sv END END,
           d.other_kind, d.other_id, l.created_at, l.created_by
      FROM sqm.case_link l
     CROSS JOIN LATERAL (
           SELECT 'to'::text AS direction, l.to_kind AS other_kind, l.to_id AS other_id
            WHERE l.from_kind OPERATOR(pg_catalog.=) linked_cases.kind AND l.from_id OPERATOR(pg_catalog.=) linked_cases.id
           UNION ALL
           SELECT 'from', l.from_kind, l.from_id
            WHERE l.to_kind OPERATOR(pg_catalog.=) linked_cases.kind AND l.to_id OPERATOR(pg_catalog.=) linked_cases.id) d
     CROSS JOIN LATERAL (
           SELECT c.label_sv, c.label_en, c.inverse_label_sv, c.inverse_label_en FROM sqm.case_relation c
            WHERE c.relation OPERATOR(pg_catalog.=) l.relation
              AND (c.from_kind OPERATOR(pg_catalog.=) l.from_kind OR c.from_kind IS NULL)
              AND (c.to_kind OPERATOR(pg_catalog.=) l.to_kind OR c.to_kind IS NULL)
            ORDER BY c.from_kind IS NULL, c.to_kind IS NULL LIMIT 1) r
     WHERE l.org_id OPERATOR(pg_catalog.=) linked_cases.org
       AND ((l.from_kind OPERATOR(pg_catalog.=) linked_cases.kind AND l.from_id OPERATOR(pg_catalog.=) linked_cases.id)
            OR (l.to_kind OPERATOR(pg_catalog.=) linked_cases.kind AND l.to_id OPERATOR(pg_catalog.=) linked_cases.id))
     ORDER BY l.created_at, l.id;
END;
COMMENT ON FUNCTION sqm.linked_cases(bigint, text, bigint, text) IS
  'Every link of a case that the caller may see: direction to (from this case) or from (to this case), the relation and its label read from this case''s side (organisation''s language unless lang), the other case';

-- For guards: whether a case has a link of a relation (to a kind, or any).
CREATE FUNCTION sqm.case_linked(org bigint, from_kind text, from_id bigint, relation text, to_kind text DEFAULT NULL)
RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT EXISTS (SELECT FROM sqm.case_link l
                    WHERE l.org_id OPERATOR(pg_catalog.=) org
                      AND l.from_kind OPERATOR(pg_catalog.=) case_linked.from_kind
                      AND l.from_id OPERATOR(pg_catalog.=) case_linked.from_id
                      AND l.relation OPERATOR(pg_catalog.=) case_linked.relation
                      AND (case_linked.to_kind IS NULL OR l.to_kind OPERATOR(pg_catalog.=) case_linked.to_kind));
END;
COMMENT ON FUNCTION sqm.case_linked(bigint, text, bigint, text, text) IS
  'For guards (run as the writer): whether a case has a link of the relation, to a case of to_kind (NULL: any kind)';

REVOKE ALL ON FUNCTION
    sqm.case_relation_capability(text, text, text), sqm.case_constructor_check(), sqm.case_relation_in_use(),
    sqm.case_relation_declared(text, text, text), sqm.authorize_case(bigint, text, bigint, text, text, text),
    sqm.link_cases(bigint, text, bigint, text, text, bigint, text),
    sqm.create_linked_case(bigint, text, bigint, text, text, jsonb, text),
    sqm.linked_cases(bigint, text, bigint, text), sqm.case_linked(bigint, text, bigint, text, text)
FROM PUBLIC;

SELECT sqm.grant_privilege('core', 'SELECT ON sqm.case_relation, sqm.case_constructor', '{everyone}');
SELECT sqm.grant_privilege('core', 'EXECUTE ON FUNCTION sqm.may_read_case(bigint, text, bigint),
    sqm.caller_reported(bigint, text, bigint), sqm.case_relation_capability(text, text, text)', '{everyone}');
SELECT sqm.grant_privilege('core', 'SELECT ON sqm.case_link', '{handlers}');
SELECT sqm.grant_privilege('core', 'EXECUTE ON FUNCTION sqm.link_cases(bigint, text, bigint, text, text, bigint, text),
    sqm.create_linked_case(bigint, text, bigint, text, text, jsonb, text), sqm.linked_cases(bigint, text, bigint, text)',
    '{reporter,handlers}');
