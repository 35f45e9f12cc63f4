-- Access control (domain.md §5): who may do what, for which organisation and
-- unit.
--
-- sqm knows six roles: reporter, unit manager, investigator, quality
-- coordinator, auditor and report reader.  Each has capabilities (report,
-- triage, close …; sqm.role_capability).  Membership (sqm.membership) gives a
-- member a role in an organisation, for the whole organisation or for one unit
-- and the units below it.  A member is a database role, or — for applications
-- that connect as one role for many people — an actor named in the GUC
-- sqm.actor; actor memberships count only when the database role is a member
-- of sqm_app, so a GUC alone never grants anything.
--
-- The caller is the role that called in (SET ROLE target, else the session
-- user), never current_user: inside SECURITY DEFINER API functions that is the
-- owner, who bypasses RLS.  API functions check authorisation themselves with
-- sqm.authorize(); RLS policies on governed tables use sqm.may() too.
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
COMMENT ON TABLE sqm.role_capability IS 'What each sqm role may do (capabilities named in sqm.lifecycle_move and checked by the API)';


INSERT INTO sqm.role_capability (role, capability) VALUES
    ('reporter', 'report'),
    ('unit_manager', 'report'), ('unit_manager', 'read_cases'), ('unit_manager', 'read_statistics'),
    ('investigator', 'report'), ('investigator', 'read_cases'), ('investigator', 'read_statistics'),
    ('quality_coordinator', 'report'), ('quality_coordinator', 'read_cases'), ('quality_coordinator', 'read_statistics'),
    ('quality_coordinator', 'manage_taxonomy'),
    ('auditor', 'read_audit'), ('auditor', 'read_statistics'),
    ('report_reader', 'read_statistics');
-- Each kind adds the capabilities of its own moves in its kind.sql.


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

REVOKE ALL ON sqm.role_capability, sqm.membership FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('sqm.membership', '');
SELECT sqm.classify('sqm.role_capability', '{"internal": ["role", "capability"]}');
SELECT sqm.classify('sqm.membership', '{"internal": ["org_id", "member_is_actor", "role"], "personal": ["member"],
    "statistic": ["unit_id"]}');

-- sqm.may and sqm.is_member are SECURITY DEFINER: they read sqm.membership,
-- which RLS protects with sqm.is_member itself.  They identify the caller by
-- sqm.caller_role() and sqm.actor(), which a definer function does not change.

-- The caller (src/access.c): the SET ROLE target, else the session user --
-- not current_user, which inside a SECURITY DEFINER function is the owner.
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

-- Who the caller is, as a person: the end user an app names in sqm.actor, or
-- else the calling role.  (sqm.actor() alone, which the audit records, is only
-- trusted from apps.)
CREATE FUNCTION sqm.caller_identity() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN CASE WHEN sqm.caller_is_app() THEN sqm.actor() ELSE sqm.caller_role()::text END;
COMMENT ON FUNCTION sqm.caller_identity() IS
  'The person acting: the end user named in sqm.actor when the calling role is an app (member of sqm_app), else the calling role';

-- Whether the caller may do something for a unit (NULL unit: anywhere in the
-- organisation).  A unit membership covers the unit and the units below it
-- today.  Superusers may do everything (they could write the tables anyway).
CREATE FUNCTION sqm.may(org bigint, unit bigint, capability text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    WITH caller AS (
        SELECT m.unit_id
          FROM sqm.membership m JOIN sqm.role_capability c ON c.role = m.role
         WHERE m.org_id = org AND c.capability = may.capability
           AND ((NOT m.member_is_actor AND m.member = sqm.caller_role())
                OR (m.member_is_actor AND m.member = sqm.actor() AND sqm.caller_is_app()))
    )
    SELECT sqm.caller_is_superuser()
        OR EXISTS (SELECT FROM caller WHERE caller.unit_id IS NULL)
        OR (unit IS NOT NULL AND EXISTS (
             WITH RECURSIVE up(unit_id, depth) AS (
                 SELECT unit, 0
                 UNION ALL
                 SELECT v.parent_id, up.depth + 1
                   FROM up JOIN sqm.unit_version v
                     ON v.org_id = org AND v.unit_id = up.unit_id AND v.valid @> (sqm.now() AT TIME ZONE 'UTC')::date
                  WHERE v.parent_id IS NOT NULL AND up.depth < 100)
             SELECT FROM up JOIN caller ON caller.unit_id = up.unit_id));
END;
COMMENT ON FUNCTION sqm.may(bigint, bigint, text) IS
  'Whether the caller (database role, or app actor) has a capability for a unit of an organisation (NULL unit: organisation-wide)';

CREATE FUNCTION sqm.authorize(org bigint, unit bigint, capability text, object text) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT sqm.may(org, unit, capability) THEN
        RAISE EXCEPTION 'permission denied to % %', replace(capability, '_', ' '), object
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = format('%s (actor %s) has no sqm role with capability "%s" for %s in organisation %s.',
                                  sqm.caller_role(), sqm.actor(), capability,
                                  CASE WHEN unit IS NULL THEN 'the organisation' ELSE 'unit ' || unit END, org),
                  HINT = 'A quality coordinator can grant the role with sqm.grant_membership().';
    END IF;
END
$$;
COMMENT ON FUNCTION sqm.authorize(bigint, bigint, text, text) IS
  'Raise insufficient_privilege (42501) naming the object unless the caller has the capability for the unit';

-- Visibility of a governed row: cases for those who may read them, the
-- reporter's own reports, and statistics columns for report readers.
CREATE FUNCTION sqm.may_see(org bigint, unit bigint, reported_by text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN sqm.may(org, unit, 'read_cases') OR sqm.may(org, unit, 'read_statistics')
       OR (reported_by IS NOT NULL AND reported_by OPERATOR(pg_catalog.=) sqm.caller_identity()
           AND sqm.may(org, unit, 'report'));
COMMENT ON FUNCTION sqm.may_see(bigint, bigint, text) IS
  'RLS: whether the caller may see a row of a unit (cases, statistics, or a report of their own)';

CREATE FUNCTION sqm.is_member(org bigint) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT EXISTS (SELECT FROM sqm.membership m
                    WHERE m.org_id = org
                      AND ((NOT m.member_is_actor AND m.member = sqm.caller_role())
                           OR (m.member_is_actor AND m.member = sqm.actor() AND sqm.caller_is_app())));
END;
COMMENT ON FUNCTION sqm.is_member(bigint) IS 'Whether the caller has any sqm role in the organisation';

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
  'Give a database role (or an app actor) an sqm role in an organisation, organisation-wide or for a unit and below; quality coordinators only';
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
                       sqm.may_see(bigint, bigint, text), sqm.is_member(bigint), sqm.grant_membership(bigint, text, text, bigint, boolean)
    FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- Row-level security of the core tables.

ALTER TABLE sqm.organisation ENABLE ROW LEVEL SECURITY;
ALTER TABLE sqm.unit ENABLE ROW LEVEL SECURITY;
ALTER TABLE sqm.unit_version ENABLE ROW LEVEL SECURITY;
ALTER TABLE sqm.unit_succession ENABLE ROW LEVEL SECURITY;
ALTER TABLE sqm.membership ENABLE ROW LEVEL SECURITY;
ALTER TABLE sqm.audit_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE sqm.audit_value ENABLE ROW LEVEL SECURITY;
CREATE POLICY organisation_member ON sqm.organisation FOR SELECT USING (sqm.is_member(org_id));
CREATE POLICY unit_member ON sqm.unit FOR SELECT USING (sqm.is_member(org_id));
CREATE POLICY unit_version_member ON sqm.unit_version FOR SELECT USING (sqm.is_member(org_id));
CREATE POLICY unit_succession_member ON sqm.unit_succession FOR SELECT USING (sqm.is_member(org_id));
CREATE POLICY membership_member ON sqm.membership FOR SELECT USING (sqm.is_member(org_id));
CREATE POLICY audit_event_auditor ON sqm.audit_event FOR SELECT USING (sqm.may(org_id, NULL, 'read_audit'));
CREATE POLICY audit_value_auditor ON sqm.audit_value FOR SELECT USING (sqm.may(org_id, NULL, 'read_audit'));
COMMENT ON POLICY organisation_member ON sqm.organisation IS 'Members see their own organisations only';
COMMENT ON POLICY unit_member ON sqm.unit IS 'Members see the units of their organisations only';
COMMENT ON POLICY unit_version_member ON sqm.unit_version IS 'Members see the unit history of their organisations only';
COMMENT ON POLICY unit_succession_member ON sqm.unit_succession IS 'Members see the successions of their organisations only';
COMMENT ON POLICY membership_member ON sqm.membership IS 'Members see who has which role in their organisations';
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
    sqm.role_capability, sqm.lifecycle_kind, sqm.lifecycle_state, sqm.lifecycle_move, sqm.lifecycle', '{everyone}');
-- who holds which role is no statistic: not for the report reader
SELECT sqm.grant_privilege('core', 'SELECT ON sqm.membership',
                           '{reporter,unit_manager,investigator,quality_coordinator,auditor}');
SELECT sqm.grant_privilege('core', 'EXECUTE ON FUNCTION sqm.grant_membership(bigint, text, text, bigint, boolean)',
                           '{quality_coordinator}');
SELECT sqm.grant_privilege('core', 'SELECT ON sqm.audit_event, sqm.audit_value, sqm.audit_trail', '{auditor,quality_coordinator}');
SELECT sqm.grant_privilege('core', 'EXECUTE ON FUNCTION sqm.verify_audit(bigint), sqm.audit_head(bigint),
    sqm.audit_hash(sqm.audit_event)', '{auditor,quality_coordinator}');
