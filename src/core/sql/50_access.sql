-- Access control (domain.md §5): who may do what, for which organisation and
-- unit.  C in src/core/access.c; the write path that asks it, src/core/write.c.
--
-- sqm knows six roles: reporter, unit manager, investigator, quality
-- coordinator, auditor and report reader.  Each holds capabilities (report,
-- triage, close …): sqm.role_capability is the documented default, and each
-- organisation may change it -- its delegation order (delegationsordning),
-- kept as sqm.delegation, an audited log of what it granted or withdrew.
-- Which capability a move, an edit or another action needs is lifecycle data
-- (sqm.lifecycle_move, sqm.lifecycle_action).  Membership (sqm.membership)
-- gives a member a role in an organisation, for the whole organisation or for
-- one unit and the units below it.  A member is a database role, or -- for
-- applications that connect as one role for many people -- an actor named in
-- the GUC sqm.actor; actor memberships count only when the database role is a
-- member of sqm_app, so a GUC alone never grants anything.
--
-- The caller is the role that called in (SET ROLE target, else the session
-- user), never current_user: inside SECURITY DEFINER API functions that is the
-- owner, who bypasses RLS.  The API authorises through the write path and
-- sqm.authorize*(); RLS policies ask sqm.may() and its companions.  All of it
-- is C over a per-backend cache (access.c), and uses today's date in the
-- organisation's time zone by the real clock -- never sqm.now(), which a
-- loader may freeze: a clock set back must not hand anyone the units their
-- part of the organisation had then.
--
-- Cluster-wide database roles (sqm_reporter … sqm_app) are created by
-- sqm.create_roles(), which a DBA runs once per cluster: roles outlive any one
-- database, so the extension script does not create them and DROP EXTENSION
-- leaves no role behind.

CREATE TABLE sqm.role_capability (
    role        text NOT NULL CHECK (role IN ('reporter', 'unit_manager', 'investigator',
                                              'quality_coordinator', 'auditor', 'report_reader')),
    capability  text NOT NULL,
    PRIMARY KEY (role, capability)
);
COMMENT ON TABLE sqm.role_capability IS
  'The default delegation order: which sqm role holds which capability in every organisation that has not changed it (sqm.delegation, sqm.set_delegation)';


INSERT INTO sqm.role_capability (role, capability) VALUES
    ('reporter', 'report'),
    ('unit_manager', 'report'), ('unit_manager', 'read_cases'), ('unit_manager', 'read_statistics'),
    ('investigator', 'report'), ('investigator', 'read_cases'), ('investigator', 'read_statistics'),
    ('quality_coordinator', 'report'), ('quality_coordinator', 'read_cases'), ('quality_coordinator', 'read_statistics'),
    ('quality_coordinator', 'manage_taxonomy'), ('quality_coordinator', 'manage_delegation'),
    ('quality_coordinator', 'read_audit'),
    ('auditor', 'read_audit'), ('auditor', 'read_statistics'),
    ('report_reader', 'read_statistics');
-- Each kind adds the capabilities of its own moves and actions in its kind.sql.


CREATE TABLE sqm.membership (
    org_id           bigint NOT NULL REFERENCES sqm.organisation,
    member           text NOT NULL CHECK (member OPERATOR(pg_catalog.<>) ''),
    member_is_actor  boolean NOT NULL DEFAULT false,
    role             text NOT NULL CHECK (role IN ('reporter', 'unit_manager', 'investigator',
                                                   'quality_coordinator', 'auditor', 'report_reader')),
    unit_id          bigint,
    FOREIGN KEY (org_id, unit_id) REFERENCES sqm.unit
);
CREATE UNIQUE INDEX membership_key ON sqm.membership
    (org_id, member, member_is_actor, role, COALESCE(unit_id, 0));
COMMENT ON TABLE sqm.membership IS
  'Who has which sqm role in which organisation: for the whole organisation (unit_id NULL) or a unit and the units below it';
COMMENT ON COLUMN sqm.membership.member IS 'A database role name, or an actor name (member_is_actor) as apps pass in sqm.actor';
COMMENT ON COLUMN sqm.membership.member_is_actor IS
  'The member is an end user named by an application in sqm.actor; counts only for sessions whose role is a member of sqm_app';

-- An organisation's own delegation order: each row grants an sqm role a
-- capability or withdraws it, from then on; the latest row of a role and
-- capability counts, against the default of sqm.role_capability.  A log,
-- append-only and audited (object kind "delegation"), so that who could do
-- what on any day can be told afterwards.
CREATE SEQUENCE sqm.delegation_id_seq;
CREATE TABLE sqm.delegation (
    org_id      bigint NOT NULL REFERENCES sqm.organisation,
    id          bigint NOT NULL DEFAULT pg_catalog.nextval('sqm.delegation_id_seq'),
    state       text NOT NULL CHECK (state IN ('granted', 'withdrawn')),
    role        text NOT NULL CHECK (role IN ('reporter', 'unit_manager', 'investigator',
                                              'quality_coordinator', 'auditor', 'report_reader')),
    capability  text NOT NULL CHECK (pg_catalog.btrim(capability) OPERATOR(pg_catalog.<>) ''),
    changed_at  timestamptz NOT NULL DEFAULT sqm.now(),
    changed_by  text NOT NULL,
    PRIMARY KEY (org_id, id)
);
ALTER SEQUENCE sqm.delegation_id_seq OWNED BY sqm.delegation.id;
CREATE INDEX delegation_role_idx ON sqm.delegation (org_id, role, capability, id);
COMMENT ON TABLE sqm.delegation IS
  'An organisation''s delegation order (delegationsordning) as changes to the default (sqm.role_capability): a role granted or withdrawn a capability; the latest row of a role and capability counts. Append-only, audited; written through sqm.set_delegation';
COMMENT ON COLUMN sqm.delegation.id IS 'Number of the change (the audit trail''s object_id for kind delegation)';
COMMENT ON COLUMN sqm.delegation.state IS 'granted or withdrawn';
COMMENT ON COLUMN sqm.delegation.changed_by IS 'Who changed it: sqm.caller_identity()';

REVOKE ALL ON sqm.role_capability, sqm.membership, sqm.delegation FROM PUBLIC;
REVOKE ALL ON SEQUENCE sqm.delegation_id_seq FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('sqm.membership', '');
SELECT pg_catalog.pg_extension_config_dump('sqm.delegation', '');
SELECT pg_catalog.pg_extension_config_dump('sqm.delegation_id_seq', '');
SELECT sqm.classify('sqm.role_capability', '{"internal": ["role", "capability"]}');
SELECT sqm.classify('sqm.membership', '{"internal": ["org_id", "member_is_actor", "role"], "personal": ["member"],
    "statistic": ["unit_id"]}');
SELECT sqm.classify('sqm.delegation', '{"internal": ["org_id", "id", "state", "role", "capability"],
    "exact_time": ["changed_at"], "personal": ["changed_by"]}', part => 'log');

-- ---------------------------------------------------------------------------
-- Who is calling (src/core/access.c): the SET ROLE target, else the session
-- user -- not current_user, which inside a SECURITY DEFINER function is the
-- owner.

CREATE FUNCTION sqm.caller_role() RETURNS name
  AS 'MODULE_PATHNAME', 'sqm_caller_role' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.caller_role() IS
  'The database role acting: the SET ROLE target, else the session user (never the owner of a SECURITY DEFINER function)';

CREATE FUNCTION sqm.caller_is_superuser() RETURNS boolean
  AS 'MODULE_PATHNAME', 'sqm_caller_is_superuser' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.caller_is_superuser() IS 'Whether the calling role is a superuser';

CREATE FUNCTION sqm.caller_is_app() RETURNS boolean
  AS 'MODULE_PATHNAME', 'sqm_caller_is_app' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.caller_is_app() IS
  'Whether the calling role is a member of sqm_app (or a superuser), and so may name the end user in sqm.actor';

CREATE FUNCTION sqm.caller_identity() RETURNS text
  AS 'MODULE_PATHNAME', 'sqm_caller_identity' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION sqm.caller_identity() IS
  'The person acting: the end user named in sqm.actor when the calling role is an app (member of sqm_app), else the calling role';

-- ---------------------------------------------------------------------------
-- Whether the caller may: C over the per-backend cache, for the API and for
-- every row an RLS policy looks at.

CREATE FUNCTION sqm.may(org bigint, unit bigint, capability text) RETURNS boolean
  AS 'MODULE_PATHNAME', 'sqm_may_sql' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION sqm.may(bigint, bigint, text) IS
  'Whether the caller (database role, or app actor) has a capability for a unit of an organisation and the units below it today (NULL unit: organisation-wide); a unit that has ended counts as the unit that holds its history today. Today is the real date in the organisation''s time zone, never sqm.now(). Superusers may everything';

CREATE FUNCTION sqm.authorize(org bigint, unit bigint, capability text, object text) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_authorize_sql' LANGUAGE C STABLE;
COMMENT ON FUNCTION sqm.authorize(bigint, bigint, text, text) IS
  'Raise insufficient_privilege (42501) "permission denied to <object>" unless the caller has the capability for the unit (NULL: the whole organisation); for what is not a case: units, taxonomies, settings, memberships';

CREATE FUNCTION sqm.may_see(org bigint, unit bigint, reported_by text) RETURNS boolean
  AS 'MODULE_PATHNAME', 'sqm_may_see' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION sqm.may_see(bigint, bigint, text) IS
  'RLS: whether the caller may see a row of a unit (read_cases, read_statistics, or a report of their own while they may report for the unit)';

CREATE FUNCTION sqm.is_member(org bigint) RETURNS boolean
  AS 'MODULE_PATHNAME', 'sqm_is_member' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION sqm.is_member(bigint) IS 'Whether the caller has any sqm role in the organisation';

-- The contract of object errors for what is not a case of a kind (an outbox
-- event): first 42501 unless the caller holds the capability somewhere in the
-- organisation, then -- having looked, without a lock -- 42704 "no <label> N
-- that you may <verb>", the same whether it exists or not.
CREATE FUNCTION sqm.authorize_anywhere(org bigint, capability text, label text, id bigint, verb text) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_authorize_anywhere_sql' LANGUAGE C STABLE;
COMMENT ON FUNCTION sqm.authorize_anywhere(bigint, text, text, bigint, text) IS
  'Internal: 42501 "permission denied to <verb> <label> <id>" unless the caller holds the capability somewhere in the organisation (asked before anything is looked up)';
CREATE FUNCTION sqm.authorize_found(org bigint, capability text, label text, id bigint, verb text, found boolean, unit bigint)
RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_authorize_found_sql' LANGUAGE C STABLE;
COMMENT ON FUNCTION sqm.authorize_found(bigint, text, text, bigint, text, boolean, bigint) IS
  'Internal: 42704 "no <label> <id> that you may <verb>" unless the object was found and the caller has the capability for its unit (NULL: organisation-wide); the same whether it exists or not';

CREATE FUNCTION sqm.access_cache_stats() RETURNS TABLE (loads bigint, hits bigint)
  AS 'MODULE_PATHNAME', 'sqm_access_cache_stats' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION sqm.access_cache_stats() IS
  'This session''s authorisation cache: how many times an organisation was loaded (memberships, delegation order, hierarchy of today) and how many questions the cache answered';

-- The cache is dropped in every session when what it read changes.
CREATE FUNCTION sqm.access_invalidate() RETURNS trigger
  AS 'MODULE_PATHNAME', 'sqm_access_invalidate' LANGUAGE C;
COMMENT ON FUNCTION sqm.access_invalidate() IS
  'Trigger: tells every session that organisations, units, memberships or a delegation order changed, so that their authorisation caches reload';
CREATE TRIGGER access_invalidate AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sqm.organisation
    FOR EACH STATEMENT EXECUTE FUNCTION sqm.access_invalidate();
CREATE TRIGGER access_invalidate AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sqm.unit_version
    FOR EACH STATEMENT EXECUTE FUNCTION sqm.access_invalidate();
CREATE TRIGGER access_invalidate AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sqm.unit_succession
    FOR EACH STATEMENT EXECUTE FUNCTION sqm.access_invalidate();
CREATE TRIGGER access_invalidate AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sqm.membership
    FOR EACH STATEMENT EXECUTE FUNCTION sqm.access_invalidate();
CREATE TRIGGER access_invalidate AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sqm.role_capability
    FOR EACH STATEMENT EXECUTE FUNCTION sqm.access_invalidate();
CREATE TRIGGER access_invalidate AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sqm.delegation
    FOR EACH STATEMENT EXECUTE FUNCTION sqm.access_invalidate();

-- ---------------------------------------------------------------------------
-- The delegation order.

-- The capabilities sqm knows: held by a role by default, or needed by a move,
-- an action or a case relation.
CREATE FUNCTION sqm.capability_known(capability text) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT EXISTS (SELECT FROM sqm.role_capability c WHERE c.capability OPERATOR(pg_catalog.=) capability_known.capability)
        OR EXISTS (SELECT FROM sqm.lifecycle_move m WHERE m.capability OPERATOR(pg_catalog.=) capability_known.capability)
        OR EXISTS (SELECT FROM sqm.lifecycle_action a WHERE a.capability OPERATOR(pg_catalog.=) capability_known.capability);
END;
COMMENT ON FUNCTION sqm.capability_known(text) IS
  'Whether sqm knows a capability: held by a role by default (sqm.role_capability) or needed by a move or an action of a kind';

-- Who holds which capability in an organisation: the default, changed by the
-- organisation's own rows (the latest per role and capability).
CREATE FUNCTION sqm.delegation_order(org bigint)
RETURNS TABLE (role text, capability text, source text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    WITH latest AS (
        SELECT DISTINCT ON (d.role, d.capability) d.role, d.capability, d.state
          FROM sqm.delegation d
         WHERE d.org_id OPERATOR(pg_catalog.=) delegation_order.org
         ORDER BY d.role, d.capability, d.id DESC
    )
    SELECT c.role, c.capability, 'default'
      FROM sqm.role_capability c
     WHERE NOT EXISTS (SELECT FROM latest l
                        WHERE l.role OPERATOR(pg_catalog.=) c.role AND l.capability OPERATOR(pg_catalog.=) c.capability)
    UNION ALL
    SELECT l.role, l.capability, 'organisation'
      FROM latest l
     WHERE l.state OPERATOR(pg_catalog.=) 'granted'
    ORDER BY 1, 2;
END;
COMMENT ON FUNCTION sqm.delegation_order(bigint) IS
  'Which sqm role holds which capability in an organisation: the default (source default, sqm.role_capability) as the organisation changed it (source organisation: sqm.delegation). What authorisation uses';

-- A row of the delegation order names a capability sqm knows.  For every
-- writer (superusers too).
CREATE FUNCTION sqm.delegation_check() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT sqm.capability_known(NEW.capability) THEN
        RAISE EXCEPTION 'unknown capability "%" in the delegation order of organisation %', NEW.capability, NEW.org_id
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'The capabilities are those of sqm.role_capability, sqm.lifecycle_move and sqm.lifecycle_action.';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION sqm.delegation_check() IS 'Trigger: a row of a delegation order names a capability sqm knows (22023)';
CREATE TRIGGER delegation_check BEFORE INSERT ON sqm.delegation
    FOR EACH ROW EXECUTE FUNCTION sqm.delegation_check();
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON sqm.delegation
    FOR EACH ROW EXECUTE FUNCTION sqm.append_only();
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON sqm.delegation
    FOR EACH STATEMENT EXECUTE FUNCTION sqm.append_only();
CREATE TRIGGER audit AFTER INSERT ON sqm.delegation
    FOR EACH ROW EXECUTE FUNCTION sqm.audit_record('delegation');

-- Changes an organisation's delegation order: the role is granted the
-- capability (granted true) or loses it; returns whether anything changed.
-- The reason goes to the audit event.
CREATE FUNCTION sqm.set_delegation(org bigint, role text, capability text, granted boolean, reason text DEFAULT NULL)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.authorize(org, NULL, 'manage_delegation', format('change the delegation order of organisation %s', org));
    IF role IS NULL OR role NOT IN ('reporter', 'unit_manager', 'investigator', 'quality_coordinator', 'auditor', 'report_reader') THEN
        RAISE EXCEPTION 'unknown sqm role "%"', role
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'The roles are reporter, unit_manager, investigator, quality_coordinator, auditor and report_reader.';
    END IF;
    IF capability IS NULL OR NOT sqm.capability_known(capability) THEN
        RAISE EXCEPTION 'unknown capability "%" in the delegation order of organisation %', capability, org
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'The capabilities are those of sqm.role_capability, sqm.lifecycle_move and sqm.lifecycle_action.';
    END IF;
    IF granted IS NULL THEN
        RAISE EXCEPTION 'say whether role % is granted capability "%" or loses it', role, capability
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF granted = EXISTS (SELECT FROM sqm.delegation_order(org) d
                          WHERE d.role = set_delegation.role AND d.capability = set_delegation.capability) THEN
        RETURN false;
    END IF;
    PERFORM sqm.audit_set_context('api', reason);
    INSERT INTO sqm.delegation (org_id, state, role, capability, changed_by)
    VALUES (org, CASE WHEN granted THEN 'granted' ELSE 'withdrawn' END, role, capability, sqm.caller_identity());
    PERFORM sqm.audit_clear_context();
    RETURN true;
END
$$;
COMMENT ON FUNCTION sqm.set_delegation(bigint, text, text, boolean, text) IS
  'Change an organisation''s delegation order: grant an sqm role a capability or withdraw it (returns whether anything changed; audited with the reason); quality coordinators (manage_delegation) and superusers';

-- ---------------------------------------------------------------------------
-- Memberships.

CREATE FUNCTION sqm.grant_membership(org bigint, member text, role text, unit bigint DEFAULT NULL,
                                     member_is_actor boolean DEFAULT false)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.authorize(org, NULL, 'manage_taxonomy', format('grant roles in organisation %s', org));
    IF role IS NULL OR role NOT IN ('reporter', 'unit_manager', 'investigator', 'quality_coordinator', 'auditor', 'report_reader') THEN
        RAISE EXCEPTION 'unknown sqm role "%"', role
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'The roles are reporter, unit_manager, investigator, quality_coordinator, auditor and report_reader.';
    END IF;
    IF unit IS NOT NULL THEN
        PERFORM sqm.unit_kind_of(org, unit);
    END IF;
    INSERT INTO sqm.membership (org_id, member, member_is_actor, role, unit_id)
    VALUES (org, member, coalesce(member_is_actor, false), role, unit)
    ON CONFLICT DO NOTHING;
END
$$;
COMMENT ON FUNCTION sqm.grant_membership(bigint, text, text, bigint, boolean) IS
  'Give a database role (or an app actor) an sqm role in an organisation, organisation-wide or for a unit and below; quality coordinators only. In force in every session from its next statement';

CREATE FUNCTION sqm.revoke_membership(org bigint, member text, role text, unit bigint DEFAULT NULL,
                                      member_is_actor boolean DEFAULT false)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.authorize(org, NULL, 'manage_taxonomy', format('revoke roles in organisation %s', org));
    DELETE FROM sqm.membership m
     WHERE m.org_id = org AND m.member = revoke_membership.member
       AND m.member_is_actor = coalesce(revoke_membership.member_is_actor, false)
       AND m.role = revoke_membership.role AND m.unit_id IS NOT DISTINCT FROM unit;
    RETURN FOUND;
END
$$;
COMMENT ON FUNCTION sqm.revoke_membership(bigint, text, text, bigint, boolean) IS
  'Take an sqm role in an organisation (organisation-wide, or for the unit named) from a database role or app actor; returns whether it had it; quality coordinators only. Out of force in every session from its next statement';

-- ---------------------------------------------------------------------------
-- Privileges of the group roles, as data.  The core and every kind state what
-- each sqm role may read and call with sqm.grant_privilege(); sqm.create_roles()
-- (or the install, when the roles already exist) grants them all.  No row may
-- grant INSERT, UPDATE, DELETE or TRUNCATE: the API functions are the only
-- writers.

CREATE TABLE sqm.role_privilege (
    ord        integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source     text NOT NULL,
    privilege  text NOT NULL CHECK (pg_catalog.split_part(privilege, ' ON ', 1)
                                    OPERATOR(pg_catalog.!~*) '\m(all|insert|update|delete|truncate)\M'),
    roles      text[] NOT NULL CHECK (pg_catalog.cardinality(roles) OPERATOR(pg_catalog.>) 0
                                      AND roles OPERATOR(pg_catalog.<@) '{reporter,unit_manager,investigator,quality_coordinator,auditor,report_reader,app,everyone,handlers,readers}'::text[])
);
COMMENT ON TABLE sqm.role_privilege IS
  'What each sqm group role may read and call, stated by the core and by each kind (source); granted in order by sqm.grant_to_roles(). Never INSERT, UPDATE, DELETE or TRUNCATE';
COMMENT ON COLUMN sqm.role_privilege.privilege IS 'What GRANT says before TO, e.g. EXECUTE ON FUNCTION sqm.report_deviation(…)';
COMMENT ON COLUMN sqm.role_privilege.roles IS
  'sqm roles (reporter, unit_manager, investigator, quality_coordinator, auditor, report_reader, app) or groups: everyone (the six sqm roles), handlers (unit_manager, investigator, quality_coordinator), readers (handlers, auditor, report_reader)';
REVOKE ALL ON sqm.role_privilege FROM PUBLIC;
SELECT sqm.classify('sqm.role_privilege', '{"internal": ["ord", "source", "privilege", "roles"]}');

-- The group roles a row of sqm.role_privilege names.
CREATE FUNCTION sqm.privilege_grantees(roles text[]) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT string_agg(DISTINCT quote_ident('sqm_' || g.role), ', ')
      FROM unnest(roles) r(name)
      CROSS JOIN LATERAL unnest(CASE r.name
                WHEN 'everyone' THEN ARRAY['reporter', 'unit_manager', 'investigator', 'quality_coordinator', 'auditor', 'report_reader']
                WHEN 'handlers' THEN ARRAY['unit_manager', 'investigator', 'quality_coordinator']
                WHEN 'readers' THEN ARRAY['unit_manager', 'investigator', 'quality_coordinator', 'auditor', 'report_reader']
                ELSE ARRAY[r.name] END) g(role);
END;
COMMENT ON FUNCTION sqm.privilege_grantees(text[]) IS 'Internal: the group roles (sqm_…) named by sqm roles and groups, for GRANT';

CREATE FUNCTION sqm.group_roles_exist() RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT count(*) = 7 FROM pg_roles
     WHERE rolname IN ('sqm_reporter', 'sqm_unit_manager', 'sqm_investigator', 'sqm_quality_coordinator',
                       'sqm_auditor', 'sqm_report_reader', 'sqm_app');
END;
COMMENT ON FUNCTION sqm.group_roles_exist() IS 'Internal: whether sqm.create_roles() has created the group roles in this cluster';

-- What a privilege gives the report reader (domain.md §5: statistics only, no
-- personal data).  SELECT on tables and views becomes SELECT of their columns
-- whose class is statistic or internal (sqm.column_class) — of the columns the
-- privilege names, if it names some; a relation without such a column, or
-- without classes, gives nothing.  Other privileges (EXECUTE, USAGE) stay as
-- they are.  So whoever states a grant, the report reader never gets a column
-- of class personal, free_text, exact_time or registry_number: the classes
-- decide, not lists of columns.
CREATE FUNCTION sqm.report_reader_grants(privilege text) RETURNS SETOF text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    m     text[];
    rel   text;
    cols  text;
BEGIN
    m := regexp_match(privilege, '^\s*SELECT\s*(?:\(([^)]*)\))?\s+ON\s+(?:TABLE\s+)?(.*?)\s*$', 'i');
    IF m IS NULL THEN
        RETURN NEXT privilege;
        RETURN;
    END IF;
    FOREACH rel IN ARRAY regexp_split_to_array(m[2], '\s*,\s*') LOOP
        SELECT string_agg(quote_ident(c.column_name), ', ' ORDER BY a.attnum) INTO cols
          FROM sqm.column_class c
          JOIN pg_attribute a ON a.attrelid = c.table_name AND a.attname = c.column_name
         WHERE c.table_name = rel::regclass AND c.class IN ('statistic', 'internal')
           AND (m[1] IS NULL
                OR c.column_name::text IN (SELECT btrim(x, ' "') FROM regexp_split_to_table(m[1], ',') x));
        IF cols IS NOT NULL THEN
            RETURN NEXT format('SELECT (%s) ON %s', cols, rel);
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION sqm.report_reader_grants(text) IS
  'Internal: what a privilege of sqm.role_privilege grants sqm_report_reader — SELECT limited to the columns of class statistic and internal (sqm.column_class); other privileges unchanged';

-- GRANT a privilege to the group roles a row names; the report reader gets
-- what sqm.report_reader_grants derives from the classes.
CREATE FUNCTION sqm.grant_now(privilege text, roles text[]) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    grantees  text[] := string_to_array(sqm.privilege_grantees(roles), ', ');
    others    text := array_to_string(array_remove(grantees, 'sqm_report_reader'), ', ');
    g         text;
BEGIN
    IF others <> '' THEN
        EXECUTE format('GRANT %s TO %s', privilege, others);
    END IF;
    IF 'sqm_report_reader' = ANY (grantees) THEN
        FOR g IN SELECT * FROM sqm.report_reader_grants(privilege) LOOP
            EXECUTE format('GRANT %s TO sqm_report_reader', g);
        END LOOP;
    END IF;
END
$$;
COMMENT ON FUNCTION sqm.grant_now(text, text[]) IS
  'Internal: GRANT a privilege to the group roles named (sqm_report_reader: only what sqm.report_reader_grants derives from the column classes)';

-- Record a privilege and grant it at once if the roles exist.
CREATE FUNCTION sqm.grant_privilege(source text, privilege text, roles text[]) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO sqm.role_privilege (source, privilege, roles) VALUES (source, privilege, roles);
    IF sqm.group_roles_exist() THEN
        PERFORM sqm.grant_now(privilege, roles);
    END IF;
END
$$;
COMMENT ON FUNCTION sqm.grant_privilege(text, text, text[]) IS
  'Install scripts: state that sqm roles may read or call something (a row of sqm.role_privilege), granted now if the group roles exist';

CREATE FUNCTION sqm.grant_to_roles() RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    p  record;
BEGIN
    FOR p IN SELECT * FROM sqm.role_privilege ORDER BY ord LOOP
        PERFORM sqm.grant_now(p.privilege, p.roles);
    END LOOP;
END
$$;
COMMENT ON FUNCTION sqm.grant_to_roles() IS
  'Grant the sqm group roles what sqm.role_privilege says, in this database (called by sqm.create_roles; never INSERT/UPDATE/DELETE/TRUNCATE)';
REVOKE ALL ON FUNCTION sqm.privilege_grantees(text[]), sqm.group_roles_exist(), sqm.grant_privilege(text, text, text[]),
                       sqm.report_reader_grants(text), sqm.grant_now(text, text[]), sqm.grant_to_roles() FROM PUBLIC;


-- Creates the cluster-wide group roles (once per cluster) and grants each what
-- it needs in this database.  Idempotent.
CREATE FUNCTION sqm.create_roles() RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['sqm_reporter', 'sqm_unit_manager', 'sqm_investigator', 'sqm_quality_coordinator',
                             'sqm_auditor', 'sqm_report_reader', 'sqm_app'] LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        END IF;
        EXECUTE format('GRANT USAGE ON SCHEMA sqm TO %I', r);
    END LOOP;
    PERFORM sqm.grant_to_roles();
END
$$;
COMMENT ON FUNCTION sqm.create_roles() IS
  'Create the group roles sqm_reporter, sqm_unit_manager, sqm_investigator, sqm_quality_coordinator, sqm_auditor, sqm_report_reader and sqm_app if missing, and grant them what they need here';
REVOKE ALL ON FUNCTION sqm.create_roles() FROM PUBLIC;
REVOKE ALL ON FUNCTION sqm.may(bigint, bigint, text), sqm.authorize(bigint, bigint, text, text),
                       sqm.may_see(bigint, bigint, text), sqm.is_member(bigint), sqm.access_cache_stats(),
                       sqm.authorize_anywhere(bigint, text, text, bigint, text),
                       sqm.authorize_found(bigint, text, text, bigint, text, boolean, bigint),
                       sqm.access_invalidate(), sqm.capability_known(text), sqm.delegation_order(bigint),
                       sqm.delegation_check(), sqm.set_delegation(bigint, text, text, boolean, text),
                       sqm.grant_membership(bigint, text, text, bigint, boolean),
                       sqm.revoke_membership(bigint, text, text, bigint, boolean)
    FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- Row-level security of the core tables.

ALTER TABLE sqm.organisation ENABLE ROW LEVEL SECURITY;
ALTER TABLE sqm.unit ENABLE ROW LEVEL SECURITY;
ALTER TABLE sqm.unit_version ENABLE ROW LEVEL SECURITY;
ALTER TABLE sqm.unit_succession ENABLE ROW LEVEL SECURITY;
ALTER TABLE sqm.membership ENABLE ROW LEVEL SECURITY;
ALTER TABLE sqm.delegation ENABLE ROW LEVEL SECURITY;
ALTER TABLE sqm.audit_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE sqm.audit_value ENABLE ROW LEVEL SECURITY;
CREATE POLICY organisation_member ON sqm.organisation FOR SELECT USING (sqm.is_member(org_id));
CREATE POLICY unit_member ON sqm.unit FOR SELECT USING (sqm.is_member(org_id));
CREATE POLICY unit_version_member ON sqm.unit_version FOR SELECT USING (sqm.is_member(org_id));
CREATE POLICY unit_succession_member ON sqm.unit_succession FOR SELECT USING (sqm.is_member(org_id));
CREATE POLICY membership_member ON sqm.membership FOR SELECT USING (sqm.is_member(org_id));
CREATE POLICY delegation_member ON sqm.delegation FOR SELECT USING (sqm.is_member(org_id));
CREATE POLICY audit_event_auditor ON sqm.audit_event FOR SELECT USING (sqm.may(org_id, NULL, 'read_audit'));
CREATE POLICY audit_value_auditor ON sqm.audit_value FOR SELECT USING (sqm.may(org_id, NULL, 'read_audit'));
COMMENT ON POLICY organisation_member ON sqm.organisation IS 'Members see their own organisations only';
COMMENT ON POLICY unit_member ON sqm.unit IS 'Members see the units of their organisations only';
COMMENT ON POLICY unit_version_member ON sqm.unit_version IS 'Members see the unit history of their organisations only';
COMMENT ON POLICY unit_succession_member ON sqm.unit_succession IS 'Members see the successions of their organisations only';
COMMENT ON POLICY membership_member ON sqm.membership IS 'Members see who has which role in their organisations';
COMMENT ON POLICY delegation_member ON sqm.delegation IS 'Members see their organisations'' delegation orders';
COMMENT ON POLICY audit_event_auditor ON sqm.audit_event IS 'Auditors (and quality coordinators with read_audit) read the trail of their organisations';
COMMENT ON POLICY audit_value_auditor ON sqm.audit_value IS 'Auditors (and quality coordinators with read_audit) read the values kept beside the trail of their organisations';

-- ---------------------------------------------------------------------------
-- What the core grants: the schema, what RLS policies and every reader call,
-- the reference data, the audit trail.

SELECT sqm.grant_privilege('core', 'USAGE ON SCHEMA sqm', '{everyone,app}');
SELECT sqm.grant_privilege('core', 'EXECUTE ON FUNCTION sqm.caller_role(), sqm.caller_is_app(), sqm.caller_is_superuser(),
    sqm.caller_identity(), sqm.may(bigint, bigint, text), sqm.may_see(bigint, bigint, text), sqm.is_member(bigint),
    sqm.actor(), sqm.now(), sqm.unit_name(bigint, bigint, date), sqm.unit_existed(bigint, bigint, sqm.period),
    sqm.unit_attribution(bigint, bigint, date, date), sqm.unit_successor(bigint, bigint, date),
    sqm.unit_hierarchy(bigint, date), sqm.quality_year(bigint, date), sqm.quality_year(bigint, timestamptz),
    sqm.unit_kind_rank(text), sqm.label_language(bigint, text)', '{everyone}');
SELECT sqm.grant_privilege('core', 'SELECT ON sqm.organisation, sqm.unit, sqm.unit_version, sqm.unit_succession,
    sqm.role_capability, sqm.delegation, sqm.lifecycle_kind, sqm.lifecycle_state, sqm.lifecycle_move, sqm.lifecycle_action,
    sqm.lifecycle', '{everyone}');
-- who holds which role is no statistic: not for the report reader (who reads
-- of sqm.delegation only what the classes allow: no changed_by, changed_at)
SELECT sqm.grant_privilege('core', 'SELECT ON sqm.membership',
                           '{reporter,unit_manager,investigator,quality_coordinator,auditor}');
SELECT sqm.grant_privilege('core', 'EXECUTE ON FUNCTION sqm.delegation_order(bigint), sqm.capability_known(text)', '{everyone}');
SELECT sqm.grant_privilege('core', 'EXECUTE ON FUNCTION sqm.grant_membership(bigint, text, text, bigint, boolean),
    sqm.revoke_membership(bigint, text, text, bigint, boolean), sqm.set_delegation(bigint, text, text, boolean, text)',
    '{quality_coordinator}');
SELECT sqm.grant_privilege('core', 'SELECT ON sqm.audit_event, sqm.audit_value, sqm.audit_trail', '{auditor,quality_coordinator}');
SELECT sqm.grant_privilege('core', 'EXECUTE ON FUNCTION sqm.verify_audit(bigint), sqm.audit_head(bigint),
    sqm.audit_hash(sqm.audit_event)', '{auditor,quality_coordinator}');
