-- Case links and constructors (doc/core.md, "Case links, constructors and the
-- registry"), on two throwaway kinds: every rule of sqm.case_link_check()
-- broken once by a direct superuser INSERT and through the API, links
-- append-only and audited, declarations that links use kept, a constructor
-- creating the target and the link in one transaction (and a failing one
-- leaving nothing), authorisation (42501) and row-level security.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(68);

SET LOCAL sqm.frozen_now = '2025-03-03 10:00+01';
SELECT sqm.create_roles();

-- ---------------------------------------------------------------- two organisations
SELECT sqm.create_organisation('A', 'SN') AS a \gset
SELECT sqm.create_organisation('B', 'SN') AS b \gset
SELECT sqm.create_unit(:a, 'Förvaltning A', 'administration', '2024-01-01') AS a_adm \gset
SELECT sqm.create_unit(:a, 'Enhet A1', 'unit', '2024-01-01', :a_adm) AS a1 \gset
SELECT sqm.create_unit(:a, 'Enhet A2', 'unit', '2024-01-01', :a_adm) AS a2 \gset
SELECT sqm.create_unit(:b, 'Enhet B1', 'unit', '2024-01-01') AS b1 \gset

-- ---------------------------------------------------------------- two test kinds
-- tla (test A case) links to tlb (test B case); both belong to units.
CREATE TABLE sqm.tla_case (org_id bigint NOT NULL, id bigint NOT NULL, state text NOT NULL,
                           unit_id bigint NOT NULL, PRIMARY KEY (org_id, id));
CREATE TABLE sqm.tlb_case (org_id bigint NOT NULL, id bigint NOT NULL DEFAULT nextval('sqm.case_id_seq'),
                           state text NOT NULL, unit_id bigint NOT NULL, title text, PRIMARY KEY (org_id, id));
INSERT INTO sqm.lifecycle_kind (kind, governed_table, label_sv, label_en) VALUES
    ('tla', 'sqm.tla_case', 'testärende A', 'test A case'),
    ('tlb', 'sqm.tlb_case', 'testärende B', 'test B case');
INSERT INTO sqm.lifecycle_state (kind, state, initial, terminal, label_sv, label_en) VALUES
    ('tla', 'open', true, false, 'öppen', 'open'),
    ('tlb', 'open', true, false, 'öppen', 'open');
CREATE TRIGGER lifecycle BEFORE INSERT OR UPDATE OR DELETE ON sqm.tla_case
    FOR EACH ROW EXECUTE FUNCTION sqm.lifecycle_enforce('tla');
CREATE TRIGGER lifecycle BEFORE INSERT OR UPDATE OR DELETE ON sqm.tlb_case
    FOR EACH ROW EXECUTE FUNCTION sqm.lifecycle_enforce('tlb');

SELECT nextval('sqm.case_id_seq') AS ca1, nextval('sqm.case_id_seq') AS ca2, nextval('sqm.case_id_seq') AS cb1,
       nextval('sqm.case_id_seq') AS t1, nextval('sqm.case_id_seq') AS t2, nextval('sqm.case_id_seq') AS tb,
       nextval('sqm.case_id_seq') AS missing \gset
INSERT INTO sqm.tla_case VALUES (:a, :ca1, 'open', :a1), (:a, :ca2, 'open', :a2), (:b, :cb1, 'open', :b1);
INSERT INTO sqm.tlb_case VALUES (:a, :t1, 'open', :a1, 'T1'), (:a, :t2, 'open', :a2, 'T2'), (:b, :tb, 'open', :b1, 'TB');

-- Relations: tla → escalated_to → tlb (capability tst_escalate); see_also
-- between any kinds (read_cases).
INSERT INTO sqm.role_capability (role, capability) VALUES
    ('investigator', 'tst_escalate'), ('quality_coordinator', 'tst_escalate');
INSERT INTO sqm.case_relation (from_kind, relation, to_kind, capability, label_sv, label_en, inverse_label_sv, inverse_label_en) VALUES
    ('tla', 'escalated_to', 'tlb', 'tst_escalate', 'eskalerat till', 'escalated to', 'eskalerat från', 'escalated from'),
    (NULL, 'see_also', NULL, 'read_cases', 'se även', 'see also', 'se även', 'see also');

-- The test B case's constructor: creates a case in the unit args name, after
-- authorising the caller to report there; args steer how it goes wrong.
CREATE FUNCTION sqm.tlb_construct(org bigint, from_kind text, from_id bigint, relation text, args jsonb)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    new_id bigint;
    target_org bigint := coalesce((args->>'org')::bigint, org);
BEGIN
    PERFORM sqm.authorize(org, (args->>'unit')::bigint, 'report', 'create a test B case');
    IF args ? 'fail' THEN
        RAISE EXCEPTION 'the test B case cannot be created: %', args->>'fail' USING ERRCODE = 'check_violation';
    END IF;
    INSERT INTO sqm.tlb_case (org_id, state, unit_id, title)
    VALUES (target_org, 'open', (args->>'unit')::bigint, format('from %s %s by %s', from_kind, from_id, relation))
    RETURNING id INTO new_id;
    IF args ? 'wrong_id' THEN
        RETURN (args->>'wrong_id')::bigint;
    END IF;
    RETURN CASE WHEN args ? 'null' THEN NULL ELSE new_id END;
END
$$;
INSERT INTO sqm.case_constructor (kind, constructor) VALUES ('tlb', 'sqm.tlb_construct(bigint, text, bigint, text, jsonb)');

-- People.
CREATE ROLE tst_inv_a IN ROLE sqm_investigator;         -- investigator, all of A
CREATE ROLE tst_inv_a1 IN ROLE sqm_investigator;        -- investigator, unit A1
CREATE ROLE tst_mgr_a1 IN ROLE sqm_unit_manager;        -- unit manager, unit A1 (no tst_escalate)
CREATE ROLE tst_rep_a1 IN ROLE sqm_reporter;            -- reporter, unit A1
CREATE ROLE tst_coord_b IN ROLE sqm_quality_coordinator; -- coordinator of B
SELECT sqm.grant_membership(:a, 'tst_inv_a', 'investigator');
SELECT sqm.grant_membership(:a, 'tst_inv_a1', 'investigator', :a1);
SELECT sqm.grant_membership(:a, 'tst_mgr_a1', 'unit_manager', :a1);
SELECT sqm.grant_membership(:a, 'tst_rep_a1', 'reporter', :a1);
SELECT sqm.grant_membership(:b, 'tst_coord_b', 'quality_coordinator');

-- Run a statement as a role: 'ok', or the SQLSTATE and message it failed with.
CREATE FUNCTION pg_temp.as_role(r text, q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('SET LOCAL ROLE %I', r);
    BEGIN
        EXECUTE q;
    EXCEPTION WHEN OTHERS THEN
        RESET ROLE;
        RETURN SQLSTATE || ': ' || SQLERRM;
    END;
    RESET ROLE;
    RETURN 'ok';
END $$;
CREATE FUNCTION pg_temp.state_as(r text, q text) RETURNS text LANGUAGE sql AS
  $$SELECT left(pg_temp.as_role(r, q), 5)$$;
CREATE FUNCTION pg_temp.count_as(r text, q text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    EXECUTE format('SET LOCAL ROLE %I', r);
    EXECUTE q INTO n;
    RESET ROLE;
    RETURN n;
END $$;
-- The detail and hint of the error a statement fails with.
CREATE FUNCTION pg_temp.detail_hint(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE d text; h text;
BEGIN
    EXECUTE q;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT;
    RETURN d || ' | ' || h;
END $$;
-- A direct INSERT of a link, as the superuser.
CREATE FUNCTION pg_temp.link_sql(org bigint, fk text, fid bigint, rel text, tk text, tid bigint) RETURNS text
LANGUAGE sql AS $$
  SELECT format('INSERT INTO sqm.case_link (org_id, from_kind, from_id, relation, to_kind, to_id) VALUES (%s, %L, %s, %L, %L, %s)',
                org, fk, fid, rel, tk, coalesce(tid::text, 'NULL'))
$$;

-- ---------------------------------------------------------------- declarations
SELECT throws_ok($$INSERT INTO sqm.case_relation (from_kind, relation, to_kind, capability, label_sv, label_en, inverse_label_sv, inverse_label_en)
                   VALUES ('nokind', 'x', 'tlb', 'read_cases', 'x', 'x', 'x', 'x')$$, '23503', NULL,
                 'a relation of an unknown kind cannot be declared');
SELECT throws_ok($$INSERT INTO sqm.case_relation (from_kind, relation, to_kind, capability, label_sv, label_en, inverse_label_sv, inverse_label_en)
                   VALUES ('tla', 'Bad name', 'tlb', 'read_cases', 'x', 'x', 'x', 'x')$$, '23514', NULL,
                 'a relation''s name is an identifier');
SELECT throws_ok($$INSERT INTO sqm.case_relation (from_kind, relation, to_kind, capability, label_sv, label_en, inverse_label_sv, inverse_label_en)
                   VALUES (NULL, 'see_also', NULL, 'read_cases', 'x', 'x', 'x', 'x')$$, '23505', NULL,
                 'a relation between any kinds is declared once');
SELECT throws_ok($$UPDATE sqm.case_constructor SET constructor = 'sqm.case_exists(text, bigint, bigint)' WHERE kind = 'tlb'$$,
                 '42883', 'constructor sqm.case_exists(text,bigint,bigint) of kind "tlb" must take (bigint, text, bigint, text, jsonb)',
                 'a constructor with other arguments is refused');
CREATE FUNCTION pg_temp.wrong_return(bigint, text, bigint, text, jsonb) RETURNS text LANGUAGE sql AS $$SELECT 'x'$$;
SELECT throws_ok($$UPDATE sqm.case_constructor SET constructor = 'pg_temp.wrong_return(bigint, text, bigint, text, jsonb)'::regprocedure WHERE kind = 'tlb'$$,
                 '22023', NULL, 'a constructor that does not return bigint is refused');

-- ---------------------------------------------------------------- the C check, by direct INSERT
SELECT lives_ok(pg_temp.link_sql(:a, 'tla', :ca1, 'escalated_to', 'tlb', :t1),
                'a link between two cases of the organisation, by a declared relation, is recorded');
SELECT id AS l1 FROM sqm.case_link WHERE from_id = :ca1 AND to_id = :t1 \gset
SELECT throws_ok(pg_temp.link_sql(:a, 'tla', :ca1, 'escalated_to', 'tlb', :tb), '23503',
                 format('case link from test A case %s to test B case %s refers to a missing test B case', :ca1, :tb),
                 'a link to a case of another organisation is refused');
SELECT is(pg_temp.detail_hint(pg_temp.link_sql(:a, 'tla', :ca1, 'escalated_to', 'tlb', :tb)),
          format('There is no test B case %s in organisation %s. | Both ends of a case link are cases of the link''s organisation.', :tb, :a),
          'its detail says the case is not in the organisation (not where it is)');
SELECT throws_ok(pg_temp.link_sql(:a, 'tla', :ca1, 'escalated_to', 'tlb', :missing), '23503',
                 format('case link from test A case %s to test B case %s refers to a missing test B case', :ca1, :missing),
                 'a link to a missing case is refused');
SELECT throws_ok(pg_temp.link_sql(:a, 'tla', :cb1, 'escalated_to', 'tlb', :t1), '23503',
                 format('case link from test A case %s to test B case %s refers to a missing test A case', :cb1, :t1),
                 'a link from a case of another organisation is refused');
SELECT throws_ok(pg_temp.link_sql(:a, 'tlb', :t1, 'escalated_to', 'tla', :ca1), '23503',
                 format('case link from test B case %s to test A case %s has an undeclared relation "escalated_to"', :t1, :ca1),
                 'a relation not declared in that direction is refused');
SELECT is(pg_temp.detail_hint(pg_temp.link_sql(:a, 'tlb', :t1, 'escalated_to', 'tla', :ca1)),
          'sqm.case_relation declares no relation "escalated_to" from kind "tlb" to kind "tla". | Relations declared from test B case to test A case: see_also.',
          'its detail and hint name the kinds and the relations that are declared');
SELECT throws_ok(pg_temp.link_sql(:a, 'tla', :ca1, 'forwarded_to', 'tlb', :t1), '23503',
                 format('case link from test A case %s to test B case %s has an undeclared relation "forwarded_to"', :ca1, :t1),
                 'an unknown relation is refused');
SELECT throws_ok(pg_temp.link_sql(:a, 'tla', :ca1, 'see_also', 'nokind', :t1), '23503',
                 format('case link from tla %s to nokind %s names an unknown kind "nokind"', :ca1, :t1),
                 'a link to a kind that is not registered is refused');
SELECT throws_ok(pg_temp.link_sql(:a, 'tla', :ca1, 'see_also', 'tlb', NULL), '23502', NULL,
                 'a link without its to-case is refused');
SELECT lives_ok(pg_temp.link_sql(:a, 'tla', :ca1, 'see_also', 'tla', :ca2),
                'a relation declared for any kinds links two cases of one kind');
SELECT throws_ok(pg_temp.link_sql(:a, 'tla', :ca1, 'see_also', 'tla', :ca1), '23514', NULL,
                 'a case is not linked to itself');
SELECT throws_ok(pg_temp.link_sql(:a, 'tla', :ca1, 'escalated_to', 'tlb', :t1), '23505', NULL,
                 'a link is recorded once');
SELECT is((SELECT count(*) FROM sqm.case_link WHERE org_id = :a), 2::bigint, 'only the two valid links were recorded');

-- ---------------------------------------------------------------- append-only, audited
SELECT throws_ok(format($$UPDATE sqm.case_link SET to_id = %s WHERE id = %s$$, :t2, :l1), 'SQ010',
                 'table sqm.case_link is append-only', 'a link is never changed');
SELECT throws_ok(format($$DELETE FROM sqm.case_link WHERE id = %s$$, :l1), 'SQ010', NULL, 'a link is never deleted');
SELECT throws_ok($$TRUNCATE sqm.case_link$$, 'SQ010', NULL, 'links are never truncated');
SELECT is((SELECT (change, to_state, after->>'from_kind', after->>'relation', after->>'to_id')::text FROM sqm.audit_event
            WHERE org_id = :a AND object_kind = 'case_link' AND object_id = :l1),
          format('(create,linked,tla,escalated_to,%s)', :t1), 'a link leaves an audit event in its organisation''s chain');
SELECT throws_ok($$DELETE FROM sqm.case_relation WHERE relation = 'escalated_to'$$, '23503',
                 'relation "escalated_to" from tla to tlb is used by case links',
                 'a declaration that links use cannot be removed');
SELECT throws_ok($$UPDATE sqm.case_relation SET to_kind = 'tla' WHERE relation = 'escalated_to'$$, '23503', NULL,
                 'nor changed from under them');
INSERT INTO sqm.case_relation (from_kind, relation, to_kind, capability, label_sv, label_en, inverse_label_sv, inverse_label_en)
VALUES ('tlb', 'unused', 'tla', 'read_cases', 'x', 'x', 'x', 'x');
SELECT lives_ok($$DELETE FROM sqm.case_relation WHERE relation = 'unused'$$, 'a declaration no link uses can be removed');

-- ---------------------------------------------------------------- sqm.link_cases
SELECT is(pg_temp.as_role('tst_inv_a', format($$SELECT sqm.link_cases(%s, 'tla', %s, 'escalated_to', 'tlb', %s, 'same event')$$, :a, :ca2, :t2)),
          'ok', 'an investigator of the organisation links two cases');
SELECT id AS l2 FROM sqm.case_link WHERE from_id = :ca2 AND to_id = :t2 \gset
SELECT is((SELECT (created_by, reason)::text FROM sqm.case_link l JOIN sqm.audit_trail e ON e.object_kind = 'case_link' AND e.object_id = l.id
            WHERE l.id = :l2), '(tst_inv_a,"same event")', 'the link records who made it and the audit event the reason');
SELECT is(pg_temp.as_role('tst_inv_a', format($$SELECT sqm.link_cases(%s, 'tla', %s, 'escalated_to', 'tlb', %s)$$, :a, :ca2, :t2)),
          format('23505: test A case %s is already linked "escalated_to" to test B case %s', :ca2, :t2),
          'linking twice is refused, naming both cases');
SELECT is(pg_temp.as_role('tst_mgr_a1', format($$SELECT sqm.link_cases(%s, 'tla', %s, 'escalated_to', 'tlb', %s)$$, :a, :ca1, :t2)),
          format('42501: permission denied to link test A case %s as "escalated_to"', :ca1),
          'a unit manager without the relation''s capability anywhere cannot link (42501)');
SELECT is(pg_temp.as_role('tst_inv_a1', format($$SELECT sqm.link_cases(%s, 'tla', %s, 'see_also', 'tlb', %s)$$, :a, :ca1, :t2)),
          format('42704: no test B case %s that you may read', :t2),
          'an investigator of unit A1 cannot link to a case of unit A2: to them it does not exist (42704)');
SELECT is(pg_temp.as_role('tst_inv_a1', format($$SELECT sqm.link_cases(%s, 'tla', %s, 'escalated_to', 'tlb', %s)$$, :a, :ca2, :t1)),
          format('42704: no test A case %s that you may link as "escalated_to"', :ca2),
          'nor from a case of unit A2');
SELECT is(regexp_replace(pg_temp.as_role('tst_inv_a1', format($$SELECT sqm.link_cases(%s, 'tla', %s, 'escalated_to', 'tlb', %s)$$, :a, :missing, :t1)),
                         '\m' || :'missing' || '\M', 'N'),
          regexp_replace(pg_temp.as_role('tst_inv_a1', format($$SELECT sqm.link_cases(%s, 'tla', %s, 'escalated_to', 'tlb', %s)$$, :a, :ca2, :t1)),
                         '\m' || :'ca2' || '\M', 'N'),
          'for a caller whose role covers one unit a missing case is refused as a case elsewhere: its absence is not told');
SELECT is(pg_temp.detail_hint(format($$SET LOCAL ROLE tst_inv_a1; SELECT sqm.link_cases(%s, 'tla', %s, 'escalated_to', 'tlb', %s)$$, :a, :missing, :t1)),
          format('Organisation %s has no test A case %s, or none that your sqm roles with capability "tst_escalate" cover. | ', :a, :missing),
          'and the detail names no unit');
RESET ROLE;
SELECT is(pg_temp.as_role('tst_inv_a', format($$SELECT sqm.link_cases(%s, 'tla', %s, 'escalated_to', 'tlb', %s)$$, :a, :missing, :t1)),
          format('42704: no test A case %s that you may link as "escalated_to"', :missing),
          'an investigator of the whole organisation is told the same (42704)');
SELECT is(pg_temp.as_role('tst_inv_a', format($$SELECT sqm.link_cases(%s, 'tla', %s, 'escalated_to', 'tlb', %s)$$, :a, :ca1, :tb)),
          format('42704: no test B case %s that you may read', :tb),
          'through the API a case of another organisation does not exist either');
SELECT is(pg_temp.state_as('tst_coord_b', format($$SELECT sqm.link_cases(%s, 'tla', %s, 'see_also', 'tlb', %s)$$, :a, :ca1, :t2)),
          '42501', 'a coordinator of another organisation cannot link (42501)');
SELECT is(pg_temp.state_as('tst_rep_a1', format($$SELECT sqm.link_cases(%s, 'tla', %s, 'escalated_to', 'tlb', %s)$$, :a, :ca1, :t1)),
          '42501', 'a reporter cannot link without the capability (42501)');
SELECT is(pg_temp.as_role('tst_inv_a', format($$SELECT sqm.link_cases(%s, 'tlb', %s, 'escalated_to', 'tla', %s)$$, :a, :t1, :ca1)),
          '23503: relation "escalated_to" from test B case to test A case is not declared',
          'through the API an undeclared relation is refused (23503)');
SELECT is(pg_temp.as_role('tst_inv_a', format($$SELECT sqm.link_cases(%s, 'nokind', %s, 'see_also', 'tla', %s)$$, :a, :t1, :ca1)),
          '22023: unknown kind of case "nokind"', 'and an unknown kind (22023)');

-- ---------------------------------------------------------------- sqm.create_linked_case
SELECT count(*) AS tlb_before FROM sqm.tlb_case \gset
SELECT count(*) AS links_before FROM sqm.case_link \gset
SELECT is(pg_temp.as_role('tst_inv_a', format($$SELECT sqm.create_linked_case(%s, 'tla', %s, 'escalated_to', 'tlb', '{"unit": %s}')$$, :a, :ca1, :a1)),
          'ok', 'an investigator creates a test B case linked from a test A case');
SELECT id AS created, title AS created_title FROM sqm.tlb_case ORDER BY id DESC LIMIT 1 \gset
SELECT is(:'created_title', format('from tla %s by escalated_to', :ca1), 'the constructor created it, told where from and by which relation');
SELECT is((SELECT (org_id, from_kind, from_id, relation, to_kind, created_by)::text FROM sqm.case_link WHERE to_id = :created),
          format('(%s,tla,%s,escalated_to,tlb,tst_inv_a)', :a, :ca1), 'and the link from the test A case was recorded with it');
SELECT is(pg_temp.as_role('tst_inv_a', format($$SELECT sqm.create_linked_case(%s, 'tla', %s, 'escalated_to', 'tlb', '{"unit": %s, "fail": "no"}')$$, :a, :ca1, :a1)),
          '23514: the test B case cannot be created: no', 'a failing constructor fails the call with its own error');
SELECT is(pg_temp.as_role('tst_inv_a', format($$SELECT sqm.create_linked_case(%s, 'tla', %s, 'escalated_to', 'tlb', '{"unit": %s, "wrong_id": %s}')$$, :a, :ca1, :a1, :missing)),
          format('23503: case link from test A case %s to test B case %s refers to a missing test B case', :ca1, :missing),
          'a constructor that returns the id of no case of the organisation is refused by the link check');
SELECT matches(pg_temp.as_role('tst_inv_a', format($$SELECT sqm.create_linked_case(%s, 'tla', %s, 'escalated_to', 'tlb', '{"unit": %s, "org": %s}')$$, :a, :ca1, :b1, :b)),
          format('^23503: case link from test A case %s to test B case \d+ refers to a missing test B case$', :ca1),
          'a constructor that creates the case in another organisation is refused by the link check');
SELECT is(pg_temp.as_role('tst_inv_a', format($$SELECT sqm.create_linked_case(%s, 'tla', %s, 'escalated_to', 'tlb', '{"unit": %s, "null": true}')$$, :a, :ca1, :a1)),
          '22004: constructor sqm.tlb_construct(bigint,text,bigint,text,jsonb) of kind "tlb" returned no id',
          'a constructor that returns no id is refused');
SELECT is(pg_temp.as_role('tst_inv_a1', format($$SELECT sqm.create_linked_case(%s, 'tla', %s, 'escalated_to', 'tlb', '{"unit": %s}')$$, :a, :ca1, :a2)),
          '42501: permission denied to create a test B case',
          'the constructor authorises the creation itself: an investigator of A1 cannot create a case in A2 (42501)');
SELECT is(pg_temp.as_role('tst_mgr_a1', format($$SELECT sqm.create_linked_case(%s, 'tla', %s, 'escalated_to', 'tlb', '{"unit": %s}')$$, :a, :ca1, :a1)),
          format('42501: permission denied to link test A case %s as "escalated_to"', :ca1),
          'a caller without the relation''s capability on the from-case is refused before the constructor runs');
SELECT is(pg_temp.state_as('tst_inv_a', format($$SELECT sqm.create_linked_case(%s, 'tla', NULL, 'escalated_to', 'tlb', '{"unit": %s}')$$, :a, :a1)),
          '22023', 'a from-case without an id is refused before the constructor runs');
SELECT is((SELECT count(*) FROM sqm.tlb_case) - :tlb_before, 1::bigint, 'of those calls only the first left a case');
SELECT is((SELECT count(*) FROM sqm.case_link) - :links_before, 1::bigint, 'and only its link');
SELECT is(pg_temp.as_role('tst_inv_a', format($$SELECT sqm.create_linked_case(%s, 'tlb', %s, 'see_also', 'tla')$$, :a, :t1)),
          '42883: kind "tla" has no constructor', 'a kind without a constructor cannot be created from another');

-- ---------------------------------------------------------------- row-level security
SELECT is(pg_temp.count_as('tst_inv_a', format('SELECT count(*) FROM sqm.case_link WHERE org_id = %s', :a)), 4::bigint,
          'an investigator of the organisation sees all its links');
SELECT is(pg_temp.count_as('tst_mgr_a1', format('SELECT count(*) FROM sqm.case_link WHERE org_id = %s', :a)), 2::bigint,
          'a unit manager of A1 sees the links whose both ends are in A1, not those reaching A2');
SELECT is(pg_temp.count_as('tst_coord_b', 'SELECT count(*) FROM sqm.case_link'), 0::bigint,
          'a coordinator of B sees no link of A');
SELECT is(pg_temp.state_as('tst_rep_a1', 'SELECT count(*) FROM sqm.case_link'), '42501', 'a reporter cannot read links');
SELECT is(pg_temp.count_as('tst_inv_a', format($$SELECT count(*) FROM sqm.linked_cases(%s, 'tla', %s)$$, :a, :ca1)), 3::bigint,
          'sqm.linked_cases lists a case''s links');
SELECT results_eq(format($$SELECT direction, relation, label, other_kind, other_id FROM sqm.linked_cases(%s, 'tlb', %s, 'en')$$, :a, :t1),
                  format($$VALUES ('from', 'escalated_to', 'escalated from', 'tla', %s::bigint)$$, :ca1),
                  'from the other end a link reads the other way, with the inverse label');
SELECT results_eq(format($$SELECT direction, label FROM sqm.linked_cases(%s, 'tla', %s) ORDER BY link_id$$, :a, :ca1),
                  $$VALUES ('to', 'eskalerat till'), ('to', 'se även'), ('to', 'eskalerat till')$$,
                  'labels follow the organisation''s language');
SELECT is(sqm.case_linked(:a, 'tla', :ca1, 'escalated_to', 'tlb'), true, 'sqm.case_linked sees a link of a relation');
SELECT is(sqm.case_linked(:a, 'tla', :ca2, 'see_also'), false, 'and not one that is not there');

-- ---------------------------------------------------------------- the kept plans
SELECT prepares AS p0, lookups AS k0 FROM sqm.case_lookup_stats() \gset
SELECT sqm.case_exists('tla', :a, :ca1) FROM generate_series(1, 20) \g /dev/null
SELECT is((SELECT (prepares - :p0, lookups - :k0)::text FROM sqm.case_lookup_stats()), '(0,20)',
          '20 more lookups in a table looked up before prepare nothing: its plan is kept');
ALTER TABLE sqm.tla_case RENAME TO tla_renamed;
SELECT is(sqm.case_exists('tla', :a, :ca1), true, 'after the governed table is renamed its cases are still found');
SELECT is((SELECT prepares - :p0 FROM sqm.case_lookup_stats()), 1::bigint, 'its plan was prepared once more');
ALTER TABLE sqm.tla_renamed RENAME TO tla_case;

-- ---------------------------------------------------------------- a hostile search_path
CREATE SCHEMA evil;
CREATE FUNCTION evil.trap(a anyelement, b anyelement) RETURNS boolean LANGUAGE plpgsql AS
  $$BEGIN RAISE EXCEPTION 'hostile operator called' USING ERRCODE = 'EV001'; END$$;
CREATE FUNCTION evil.trap(a bigint, b bigint) RETURNS boolean LANGUAGE sql AS $$SELECT evil.trap(a::text, b::text)$$;
CREATE FUNCTION evil.trap(a text, b text) RETURNS boolean LANGUAGE sql AS $$SELECT evil.trap(a::bytea, b::bytea)$$;
CREATE OPERATOR evil.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = evil.trap);
CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.trap);
GRANT USAGE ON SCHEMA evil TO PUBLIC;
CREATE FUNCTION pg_temp.hostile(q text) RETURNS text
LANGUAGE plpgsql SET search_path = evil, pg_catalog, public AS $$
BEGIN
    EXECUTE q;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
SELECT is(pg_temp.hostile($$SELECT 1::bigint = 1::bigint$$), 'EV001: hostile operator called', 'the planted = is found first');
SELECT is(pg_temp.hostile(format($$SELECT sqm.link_cases(%s, 'tlb', %s, 'see_also', 'tlb', %s)$$, :a, :t1, :t2)), 'ok',
          'sqm.link_cases and the link check never call it');
SELECT is(pg_temp.hostile(format($$SELECT sqm.create_linked_case(%s, 'tla', %s, 'escalated_to', 'tlb', '{"unit": %s}')$$, :a, :ca2, :a2)), 'ok',
          'nor does sqm.create_linked_case');

SELECT * FROM finish();
ROLLBACK;
