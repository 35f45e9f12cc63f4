-- Appending to the logs (src/core/append.c): the audit trail, its kept
-- values and the outbox are written through the executor's row routines --
-- which honour the tables' NOT NULL and CHECK constraints as an INSERT
-- does -- unless the table has a trigger or rule on INSERT (then through
-- SPI, so that it runs) or a superuser set sqm.append_through_spi; a DO
-- INSTEAD rule, or a trigger that drops the row, makes the write fail with
-- SQ010 rather than lose the event.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(29);

SELECT sqm.create_organisation('Append', 'SN') AS org \gset
SELECT sqm.create_unit(:org, 'Enhet', 'unit', '2024-01-01') AS unit \gset
SELECT sqm.add_deviation_type(:org, 'info', 'Info', 'Info', '2024-01-01') \g /dev/null
CREATE TEMP TABLE t_ids AS SELECT :org::bigint AS org, :unit::bigint AS unit;
CREATE FUNCTION pg_temp.report() RETURNS bigint LANGUAGE sql
AS $$ SELECT sqm.report_deviation(org, unit, 'SoL', '2025-03-01', 'Händelse', '{info}', '2025-03-02') FROM t_ids $$;
-- rows appended by this session to a log table, by a path (direct, spi)
CREATE FUNCTION pg_temp.appended(tbl text, path text) RETURNS bigint LANGUAGE sql
AS $$ SELECT coalesce((SELECT CASE path WHEN 'direct' THEN s.direct ELSE s.spi END
                         FROM sqm.append_stats() s WHERE s.table_name = tbl), 0) $$;
CREATE FUNCTION pg_temp.counts() RETURNS text LANGUAGE sql
AS $$ SELECT format('%s/%s %s/%s %s/%s', pg_temp.appended('sqm.audit_event', 'direct'), pg_temp.appended('sqm.audit_event', 'spi'),
                    pg_temp.appended('sqm.audit_value', 'direct'), pg_temp.appended('sqm.audit_value', 'spi'),
                    pg_temp.appended('sqm.outbox', 'direct'), pg_temp.appended('sqm.outbox', 'spi')) $$;
CREATE FUNCTION pg_temp.rows() RETURNS text LANGUAGE sql
AS $$ SELECT format('%s %s %s %s', (SELECT count(*) FROM sqm.deviation d, t_ids t WHERE d.org_id = t.org),
                    (SELECT count(*) FROM sqm.audit_event e, t_ids t WHERE e.org_id = t.org),
                    (SELECT count(*) FROM sqm.audit_value v, t_ids t WHERE v.org_id = t.org),
                    (SELECT count(*) FROM sqm.outbox o, t_ids t WHERE o.org_id = t.org)) $$;

-- ------------------------------------------------------------ the direct path
SELECT pg_temp.report() \g /dev/null
SELECT pg_temp.counts() AS before \gset
SELECT pg_temp.report() \g /dev/null
SELECT is(pg_temp.appended('sqm.audit_event', 'direct') - split_part(:'before', '/', 1)::bigint, 2::bigint,
          'a report''s two events go in directly (no trigger or rule on the trail)');
SELECT is(pg_temp.counts(), format('%s/0 %s/0 %s/0', 4, 4, 2), 'so do its kept values and its outbox row; nothing through SPI');
SELECT is(pg_temp.rows(), '2 4 4 2', 'two reports: their cases, events, kept values and outbox rows');
SELECT is((SELECT ok FROM sqm.verify_audit(:org)), true, 'the chain verifies');

-- ------------------------------------------------------------ the setting
SET LOCAL sqm.append_through_spi = on;
SELECT pg_temp.report() \g /dev/null
SELECT is(pg_temp.counts(), '4/2 4/2 2/1', 'sqm.append_through_spi = on: every row of a report goes through SPI');
RESET sqm.append_through_spi;
SELECT pg_temp.report() \g /dev/null
SELECT is(pg_temp.counts(), '6/2 6/2 3/1', 'off again: directly');
SELECT is((SELECT ok FROM sqm.verify_audit(:org)), true, 'both paths chain alike: the trail verifies');
DO $$ BEGIN CREATE ROLE tst_append_user NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
SET LOCAL ROLE tst_append_user;
SELECT throws_ok($$SET sqm.append_through_spi = on$$, '42501', 'permission denied to set parameter "sqm.append_through_spi"',
                 'only a superuser (PGC_SUSET) chooses the path');
RESET ROLE;

-- ------------------------------------------------------------ constraints of the trail
SAVEPOINT constraints;
ALTER TABLE sqm.audit_event ADD CONSTRAINT tst_positive CHECK (object_id > 0) NOT VALID;
SELECT lives_ok($$SELECT pg_temp.report()$$, 'a CHECK constraint every event meets');
SELECT is(pg_temp.counts(), '8/2 8/2 4/1', 'leaves the path direct');
SELECT pg_temp.rows() AS rows_before \gset
ALTER TABLE sqm.audit_event ADD CONSTRAINT tst_no_edit CHECK (change <> 'edit') NOT VALID;
SELECT throws_ok($$SELECT pg_temp.report()$$, '23514', 'new row for relation "audit_event" violates check constraint "tst_no_edit"',
                 'a CHECK constraint added to sqm.audit_event refuses an event that breaks it, on the direct path');
SET LOCAL sqm.append_through_spi = on;
SELECT throws_ok($$SELECT pg_temp.report()$$, '23514', 'new row for relation "audit_event" violates check constraint "tst_no_edit"',
                 'and on the SPI path, with the same SQLSTATE and message');
RESET sqm.append_through_spi;
ALTER TABLE sqm.audit_event DROP CONSTRAINT tst_no_edit;
ALTER TABLE sqm.audit_value ADD CONSTRAINT tst_no_description CHECK (column_name <> 'description') NOT VALID;
SELECT throws_ok($$SELECT pg_temp.report()$$, '23514', 'new row for relation "audit_value" violates check constraint "tst_no_description"',
                 'a CHECK constraint of sqm.audit_value is honoured too');
ALTER TABLE sqm.audit_value DROP CONSTRAINT tst_no_description;
ALTER TABLE sqm.outbox ADD CONSTRAINT tst_no_new CHECK (event <> 'new') NOT VALID;
SELECT throws_ok($$SELECT pg_temp.report()$$, '23514', 'new row for relation "outbox" violates check constraint "tst_no_new"',
                 'and one of the outbox');
ALTER TABLE sqm.outbox DROP CONSTRAINT tst_no_new;
-- one kept value per side from here on: a report's edit keeps two
DO $$ BEGIN EXECUTE format('CREATE UNIQUE INDEX tst_one_per_side ON sqm.audit_value (org_id, side) WHERE seq > %s',
                           (SELECT max(seq) FROM sqm.audit_value)); END $$;
SELECT throws_ok($$SELECT pg_temp.report()$$, '23505', NULL, 'a unique index added to sqm.audit_value is checked on the direct path');
DROP INDEX sqm.tst_one_per_side;
SELECT is(pg_temp.rows(), :'rows_before'::text || '', 'every refused report left nothing behind');
ROLLBACK TO SAVEPOINT constraints;

-- ------------------------------------------------------------ rules
SAVEPOINT rules;
SELECT pg_temp.rows() AS rows_before \gset
CREATE RULE tst_swallow AS ON INSERT TO sqm.audit_event DO INSTEAD NOTHING;
SELECT throws_ok($$SELECT pg_temp.report()$$, 'SQ010', NULL, 'a DO INSTEAD NOTHING rule on sqm.audit_event makes the write fail (SQ010)');
SELECT throws_like($$SELECT pg_temp.report()$$, '%cannot be appended to sqm.audit_event%', 'naming the trail');
SET LOCAL sqm.append_through_spi = on;
SELECT throws_ok($$SELECT pg_temp.report()$$, 'SQ010', NULL, 'on the SPI path too');
RESET sqm.append_through_spi;
DROP RULE tst_swallow ON sqm.audit_event;
CREATE TABLE pg_temp.elsewhere (LIKE sqm.outbox);
CREATE RULE tst_elsewhere AS ON INSERT TO sqm.outbox DO INSTEAD INSERT INTO pg_temp.elsewhere SELECT NEW.*;
SELECT throws_ok($$SELECT pg_temp.report()$$, 'SQ010', NULL, 'a DO INSTEAD rule putting the outbox row elsewhere fails too');
DROP RULE tst_elsewhere ON sqm.outbox;
SELECT is(pg_temp.rows(), :'rows_before'::text || '', 'nothing was written');
CREATE TABLE pg_temp.also (org_id bigint, seq bigint);
CREATE RULE tst_also AS ON INSERT TO sqm.audit_event DO ALSO INSERT INTO pg_temp.also VALUES (NEW.org_id, NEW.seq);
SELECT pg_temp.counts() AS before \gset
SELECT lives_ok($$SELECT pg_temp.report()$$, 'a DO ALSO rule lets the event in');
SELECT is((SELECT count(*) FROM pg_temp.also), 2::bigint, 'and runs: the events go through SPI');
SELECT is(pg_temp.appended('sqm.audit_event', 'spi') - split_part(split_part(:'before', ' ', 1), '/', 2)::bigint, 2::bigint,
          'counted as SPI appends');
ROLLBACK TO SAVEPOINT rules;

-- ------------------------------------------------------------ triggers
SAVEPOINT triggers;
CREATE TABLE pg_temp.fired (what text);
CREATE FUNCTION pg_temp.note_statement() RETURNS trigger LANGUAGE plpgsql
AS $$ BEGIN INSERT INTO pg_temp.fired VALUES (TG_TABLE_NAME || ' ' || TG_LEVEL); RETURN NULL; END $$;
CREATE TRIGGER tst_statement AFTER INSERT ON sqm.audit_event FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.note_statement();
SELECT pg_temp.counts() AS before \gset
SELECT lives_ok($$SELECT pg_temp.report()$$, 'with a statement trigger on sqm.audit_event (which only an INSERT fires)');
SELECT is((SELECT count(*) FROM pg_temp.fired WHERE what = 'audit_event STATEMENT'), 2::bigint,
          'the trigger fired for each event: the SPI path ran it');
SELECT is(pg_temp.appended('sqm.audit_event', 'direct') - split_part(split_part(:'before', ' ', 1), '/', 1)::bigint, 0::bigint,
          'no event went in directly');
DROP TRIGGER tst_statement ON sqm.audit_event;
CREATE FUNCTION pg_temp.drop_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
CREATE TRIGGER tst_drop BEFORE INSERT ON sqm.outbox FOR EACH ROW EXECUTE FUNCTION pg_temp.drop_row();
SELECT throws_ok($$SELECT pg_temp.report()$$, 'SQ010', NULL, 'a BEFORE trigger that drops the outbox row makes the write fail (SQ010)');
ROLLBACK TO SAVEPOINT triggers;
SELECT is((SELECT ok FROM sqm.verify_audit(:org)), true, 'after all that the chain still verifies');

SELECT * FROM finish();
ROLLBACK;
