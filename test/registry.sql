-- One registry per organisation (doc/core.md, "Case links, constructors and
-- the registry"), on two throwaway kinds with registry-number columns: a
-- number is held by one case of an organisation whatever its kind (23505
-- naming the holder), a number of another organisation is free, a registered
-- number never changes (SQ010), registry entries say no more than the claim
-- would (23503), are append-only and seen under RLS, and the trigger used the
-- wrong way is refused (39P01).
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(42);

SET LOCAL sqm.frozen_now = '2025-03-03 10:00+01';
SELECT sqm.create_roles();

SELECT sqm.create_organisation('A', 'SN') AS a \gset
SELECT sqm.create_organisation('B', 'SN') AS b \gset
SELECT sqm.create_unit(:a, 'Förvaltning A', 'administration', '2024-01-01') AS a_adm \gset
SELECT sqm.create_unit(:a, 'Enhet A1', 'unit', '2024-01-01', :a_adm) AS a1 \gset
SELECT sqm.create_unit(:a, 'Enhet A2', 'unit', '2024-01-01', :a_adm) AS a2 \gset
SELECT sqm.create_unit(:b, 'Enhet B1', 'unit', '2024-01-01') AS b1 \gset

-- ---------------------------------------------------------------- two registered kinds
CREATE TABLE sqm.tra_case (org_id bigint NOT NULL, id bigint NOT NULL, state text NOT NULL,
                           unit_id bigint NOT NULL, regnr sqm.regnr, note text, PRIMARY KEY (org_id, id));
CREATE TABLE sqm.trb_case (org_id bigint NOT NULL, id bigint NOT NULL, state text NOT NULL,
                           unit_id bigint NOT NULL, diarienr sqm.regnr, PRIMARY KEY (org_id, id));
INSERT INTO sqm.lifecycle_kind (kind, governed_table, label_sv, label_en) VALUES
    ('tra', 'sqm.tra_case', 'testanmälan', 'test notification'),
    ('trb', 'sqm.trb_case', 'testklagomål', 'test complaint');
INSERT INTO sqm.lifecycle_state (kind, state, initial, terminal, label_sv, label_en) VALUES
    ('tra', 'open', true, false, 'öppen', 'open'),
    ('trb', 'open', true, false, 'öppen', 'open');
CREATE TRIGGER lifecycle BEFORE INSERT OR UPDATE OR DELETE ON sqm.tra_case
    FOR EACH ROW EXECUTE FUNCTION sqm.lifecycle_enforce('tra');
CREATE TRIGGER lifecycle BEFORE INSERT OR UPDATE OR DELETE ON sqm.trb_case
    FOR EACH ROW EXECUTE FUNCTION sqm.lifecycle_enforce('trb');
CREATE TRIGGER registry_claim AFTER INSERT OR UPDATE ON sqm.tra_case
    FOR EACH ROW EXECUTE FUNCTION sqm.registry_claim('regnr');
CREATE TRIGGER registry_claim AFTER INSERT OR UPDATE ON sqm.trb_case
    FOR EACH ROW EXECUTE FUNCTION sqm.registry_claim('diarienr');

SELECT nextval('sqm.case_id_seq') AS n1, nextval('sqm.case_id_seq') AS n2, nextval('sqm.case_id_seq') AS n3,
       nextval('sqm.case_id_seq') AS n4, nextval('sqm.case_id_seq') AS c1, nextval('sqm.case_id_seq') AS c2,
       nextval('sqm.case_id_seq') AS missing \gset

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
CREATE FUNCTION pg_temp.count_as(r text, q text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    EXECUTE format('SET LOCAL ROLE %I', r);
    EXECUTE q INTO n;
    RESET ROLE;
    RETURN n;
END $$;

-- ---------------------------------------------------------------- claims
SELECT lives_ok(format($$INSERT INTO sqm.tra_case VALUES (%s, %s, 'open', %s, '2024.106 SN')$$, :a, :n1, :a1),
                'a case gets a registry number');
SELECT is((SELECT (kind, object_id, column_name, registered_at, registered_by)::text FROM sqm.registry_entry
            WHERE org_id = :a AND regnr OPERATOR(sqm.=) '2024.106 SN'::sqm.regnr),
          format('(tra,%s,regnr,"2025-03-03 09:00:00+00",%s)', :n1, session_user),
          'the number is registered for it: its kind, id and column, when and by whom');
SELECT throws_ok(format($$INSERT INTO sqm.trb_case VALUES (%s, %s, 'open', %s, 'SN 2024/106')$$, :a, :c1, :a1), '23505',
                 format('registry number 2024.106 SN of organisation %s is already held by test notification %s', :a, :n1),
                 'a number held by a case of one kind is refused for a case of another kind, naming its holder');
SELECT is(pg_temp.detail_hint(format($$INSERT INTO sqm.trb_case VALUES (%s, %s, 'open', %s, 'SN 2024/106')$$, :a, :c1, :a1)),
          format('A registry number belongs to one matter of an organisation, whatever its kind; test complaint %s cannot be registered under it. | Check the number in the registry; a new matter is registered under a number of its own.', :c1),
          'the detail names the case that wanted it');
SELECT is((SELECT count(*) FROM sqm.trb_case WHERE org_id = :a), 0::bigint, 'the refused case was not written');
SELECT throws_ok(format($$INSERT INTO sqm.tra_case VALUES (%s, %s, 'open', %s, '2024.106 SN')$$, :a, :n2, :a1), '23505',
                 format('registry number 2024.106 SN of organisation %s is already held by test notification %s', :a, :n1),
                 'and for another case of the same kind');
SELECT lives_ok(format($$INSERT INTO sqm.trb_case VALUES (%s, %s, 'open', %s, '2024.106 SN')$$, :b, :c2, :b1),
                'the same number in another organisation is free');
SELECT throws_ok(format($$INSERT INTO sqm.tra_case VALUES (%s, %s, 'open', %s, '2025.001 SN'), (%s, %s, 'open', %s, '2025.001 SN')$$,
                        :a, :n2, :a1, :a, :n3, :a1), '23505',
                 format('registry number 2025.001 SN of organisation %s is already held by test notification %s', :a, :n2),
                 'of two cases written in one statement with one number, the second is refused');
SELECT is((SELECT count(*) FROM sqm.registry_entry WHERE org_id = :a), 1::bigint, 'and neither holds it');

-- ---------------------------------------------------------------- a registered number stays
SELECT lives_ok(format($$INSERT INTO sqm.tra_case VALUES (%s, %s, 'open', %s, NULL), (%s, %s, 'open', %s, NULL)$$, :a, :n2, :a1, :a, :n3, :a2),
                'cases without a number hold none');
SELECT lives_ok(format($$UPDATE sqm.tra_case SET regnr = '2024.107 SN' WHERE id = %s$$, :n2), 'a case gets its number later');
SELECT is((SELECT object_id FROM sqm.registry_entry WHERE org_id = :a AND regnr OPERATOR(sqm.=) '2024.107 SN'::sqm.regnr), :'n2'::bigint,
          'and it is registered then');
SELECT throws_ok(format($$UPDATE sqm.tra_case SET regnr = '2024.108 SN' WHERE id = %s$$, :n2), 'SQ010',
                 format('registry number 2024.107 SN of test notification %s cannot change', :n2),
                 'a registered number is not changed');
SELECT is(pg_temp.detail_hint(format($$UPDATE sqm.tra_case SET regnr = '2024.108 SN' WHERE id = %s$$, :n2)),
          format('The update would set column "regnr" to 2024.108 SN; the number is registered in organisation %s. | A registered number stays with its matter; a new matter is registered under a number of its own.', :a),
          'the detail says what the update would have done');
SELECT throws_ok(format($$UPDATE sqm.tra_case SET regnr = NULL WHERE id = %s$$, :n2), 'SQ010',
                 format('registry number 2024.107 SN of test notification %s cannot be removed', :n2),
                 'a registered number is not cleared');
SELECT lives_ok(format($$UPDATE sqm.tra_case SET regnr = 'SN 2024/107', note = 'x' WHERE id = %s$$, :n2),
                'writing the same number again (in another style) changes nothing and passes');
SELECT throws_ok(format($$UPDATE sqm.tra_case SET regnr = '2024.106 SN' WHERE id = %s$$, :n3), '23505',
                 format('registry number 2024.106 SN of organisation %s is already held by test notification %s', :a, :n1),
                 'a number given later is checked too');
CREATE FUNCTION pg_temp.sneak() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.note = 'sneak' THEN NEW.regnr := '2099.001 SN'; END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER sneak BEFORE UPDATE ON sqm.tra_case FOR EACH ROW EXECUTE FUNCTION pg_temp.sneak();
SELECT throws_ok(format($$UPDATE sqm.tra_case SET note = 'sneak' WHERE id = %s$$, :n2), 'SQ010', NULL,
                 'a BEFORE trigger that changes the number behind the statement''s back is caught');
DROP TRIGGER sneak ON sqm.tra_case;
SELECT is((SELECT string_agg(regnr::text, ', ' ORDER BY id) FROM sqm.tra_case WHERE org_id = :a), '2024.106 SN, 2024.107 SN',
          'every number is as registered');

-- a writer without any privilege on the registry still registers (here a
-- reporter, who may read the lifecycle definitions the engine needs, given
-- INSERT on the test table for the test)
CREATE ROLE tst_writer IN ROLE sqm_reporter;
GRANT INSERT, SELECT ON sqm.tra_case TO tst_writer;
SELECT is(pg_temp.as_role('tst_writer', format($$INSERT INTO sqm.tra_case VALUES (%s, %s, 'open', %s, '2024.109 SN')$$, :a, :n4, :a2)),
          'ok', 'a role that may write a governed table registers its numbers without privileges on the registry');
SELECT is((SELECT registered_by FROM sqm.registry_entry WHERE object_id = :n4), 'tst_writer', 'as itself');

-- ---------------------------------------------------------------- registry entries, written directly
CREATE FUNCTION pg_temp.entry_sql(org bigint, nr text, kind text, id bigint, col text) RETURNS text LANGUAGE sql AS $$
  SELECT format('INSERT INTO sqm.registry_entry (org_id, regnr, kind, object_id, column_name) VALUES (%s, %L, %L, %s, %L)',
                org, nr, kind, id, col)
$$;
SELECT throws_ok(pg_temp.entry_sql(:a, '2024.200 SN', 'nokind', :n1, 'regnr'), '23503',
                 format('registry entry 2024.200 SN of organisation %s names an unknown kind "nokind"', :a),
                 'an entry of an unknown kind is refused');
SELECT throws_ok(pg_temp.entry_sql(:a, '2024.200 SN', 'tra', :missing, 'regnr'), '23503',
                 format('registry entry 2024.200 SN of organisation %s refers to a missing test notification', :a),
                 'an entry for a missing case is refused');
SELECT throws_ok(pg_temp.entry_sql(:a, '2024.106 SN', 'trb', :c2, 'diarienr'), '23503',
                 format('registry entry 2024.106 SN of organisation %s refers to a missing test complaint', :a),
                 'an entry for a case of another organisation is refused');
SELECT throws_ok(pg_temp.entry_sql(:a, '2024.200 SN', 'tra', :n1, 'note'), '23503',
                 format('registry entry 2024.200 SN of organisation %s names no registry-number column of test notification %s', :a, :n1),
                 'an entry naming a column that holds no registry number is refused');
SELECT throws_ok(pg_temp.entry_sql(:a, '2024.200 SN', 'tra', :n3, 'regnr'), '23503',
                 format('test notification %s of organisation %s does not hold registry number 2024.200 SN', :n3, :a),
                 'an entry for a case without the number is refused');
ALTER TABLE sqm.tra_case DISABLE TRIGGER registry_claim;
UPDATE sqm.tra_case SET regnr = '2024.200 SN' WHERE id = :n3;
ALTER TABLE sqm.tra_case ENABLE TRIGGER registry_claim;
SELECT lives_ok(pg_temp.entry_sql(:a, '2024.200 SN', 'tra', :n3, 'regnr'),
                'an entry for a case that holds the number is accepted (a number from before the claim trigger)');
SELECT throws_ok(format($$UPDATE sqm.registry_entry SET object_id = %s WHERE object_id = %s$$, :n2, :n1), 'SQ010',
                 'table sqm.registry_entry is append-only', 'a registry entry is never changed');
SELECT throws_ok(format($$DELETE FROM sqm.registry_entry WHERE object_id = %s$$, :n1), 'SQ010', NULL, 'nor deleted');
SELECT throws_ok($$TRUNCATE sqm.registry_entry$$, 'SQ010', NULL, 'nor truncated');

-- ---------------------------------------------------------------- row-level security
CREATE ROLE tst_mgr_a1 IN ROLE sqm_unit_manager;
CREATE ROLE tst_coord_a IN ROLE sqm_quality_coordinator;
CREATE ROLE tst_coord_b IN ROLE sqm_quality_coordinator;
CREATE ROLE tst_reader_a IN ROLE sqm_report_reader;
SELECT sqm.grant_membership(:a, 'tst_mgr_a1', 'unit_manager', :a1);
SELECT sqm.grant_membership(:a, 'tst_coord_a', 'quality_coordinator');
SELECT sqm.grant_membership(:b, 'tst_coord_b', 'quality_coordinator');
SELECT sqm.grant_membership(:a, 'tst_reader_a', 'report_reader');
SELECT is(pg_temp.count_as('tst_coord_a', 'SELECT count(*) FROM sqm.registry_entry'), 4::bigint,
          'a coordinator sees the registry of the organisation');
SELECT is(pg_temp.count_as('tst_mgr_a1', 'SELECT count(*) FROM sqm.registry_entry'), 2::bigint,
          'a unit manager sees the entries of the cases of their unit');
SELECT is(pg_temp.count_as('tst_coord_b', 'SELECT count(*) FROM sqm.registry_entry'), 1::bigint,
          'a coordinator of B sees only B''s entry');
SELECT is(left(pg_temp.as_role('tst_reader_a', 'SELECT count(*) FROM sqm.registry_entry'), 5), '42501',
          'a report reader cannot read the registry');

-- ---------------------------------------------------------------- the trigger used the wrong way
CREATE TABLE sqm.trc_case (org_id bigint NOT NULL, id bigint NOT NULL, state text NOT NULL, nr sqm.regnr, code text);
CREATE TRIGGER registry_claim BEFORE INSERT ON sqm.trc_case FOR EACH ROW EXECUTE FUNCTION sqm.registry_claim('nr');
SELECT throws_ok(format($$INSERT INTO sqm.trc_case VALUES (%s, 1, 'open', '2024.300 SN')$$, :a), '39P01',
                 'trigger "registry_claim" on table sqm.trc_case must fire AFTER the row is written', 'a BEFORE trigger is refused');
DROP TRIGGER registry_claim ON sqm.trc_case;
CREATE TRIGGER registry_claim AFTER INSERT ON sqm.trc_case FOR EACH ROW EXECUTE FUNCTION sqm.registry_claim();
SELECT throws_ok(format($$INSERT INTO sqm.trc_case VALUES (%s, 1, 'open', '2024.300 SN')$$, :a), '39P01',
                 'trigger "registry_claim" on table sqm.trc_case must name the registry-number column', 'a trigger without its column is refused');
DROP TRIGGER registry_claim ON sqm.trc_case;
CREATE TRIGGER registry_claim AFTER INSERT ON sqm.trc_case FOR EACH ROW EXECUTE FUNCTION sqm.registry_claim('code');
SELECT throws_ok(format($$INSERT INTO sqm.trc_case VALUES (%s, 1, 'open', '2024.300 SN')$$, :a), '39P01',
                 'trigger "registry_claim" on table sqm.trc_case names no registry-number column', 'a column of another type is refused');
DROP TRIGGER registry_claim ON sqm.trc_case;
CREATE TRIGGER registry_claim AFTER INSERT ON sqm.trc_case FOR EACH ROW EXECUTE FUNCTION sqm.registry_claim('nr');
SELECT throws_ok(format($$INSERT INTO sqm.trc_case VALUES (%s, 1, 'open', '2024.300 SN')$$, :a), '39P01',
                 'table sqm.trc_case is not the governed table of any kind', 'a table no kind governs cannot hold numbers');
SELECT lives_ok(format($$INSERT INTO sqm.trc_case VALUES (%s, 2, 'open', NULL)$$, :a), 'a row without a number claims nothing');

-- ---------------------------------------------------------------- through an API function
-- A kind's API writes through the core's compare-and-set path as the owner;
-- the claim's refusal reaches the caller as it is.
INSERT INTO sqm.lifecycle_action (kind, action, capability, label_en) VALUES ('trb', 'edit', 'read_cases', 'register');
CREATE FUNCTION sqm.tst_register_trb(org bigint, id bigint, nr text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT sqm.write('trb', org, id, 'open', 'open', jsonb_build_object('diarienr', nr));
END;
GRANT EXECUTE ON FUNCTION sqm.tst_register_trb(bigint, bigint, text) TO tst_coord_a;
INSERT INTO sqm.trb_case VALUES (:a, :c1, 'open', :a1, NULL);
SELECT is(pg_temp.as_role('tst_coord_a', format($$SELECT sqm.tst_register_trb(%s, %s, 'SN 2024/106')$$, :a, :c1)),
          format('23505: registry number 2024.106 SN of organisation %s is already held by test notification %s', :a, :n1),
          'a number taken by another kind is refused through the API, naming the holder');
SELECT is(pg_temp.as_role('tst_coord_a', format($$SELECT sqm.tst_register_trb(%s, %s, 'SN 2024/500')$$, :a, :c1)),
          'ok', 'a free number is registered through the API');
SELECT is((SELECT (regnr::text, kind, registered_by)::text FROM sqm.registry_entry WHERE object_id = :c1),
          '("2024.500 SN",trb,tst_coord_a)', 'for the case, by the caller');

SELECT * FROM finish();
ROLLBACK;
