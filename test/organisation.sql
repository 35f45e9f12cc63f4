-- Organisations and units (domain.md §2): every rule broken once and refused
-- with its SQLSTATE; the history functions answer as of a date.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(57);

-- ---------------------------------------------------------------- organisations
SELECT sqm.create_organisation('Socialförvaltningen, Alingsås', 'SN') AS a \gset
SELECT sqm.create_organisation('Socialtjänsten, Exempelby', 'SN', 9, 'Europe/Stockholm', 'en') AS b \gset

SELECT is((SELECT count(*) FROM sqm.organisation WHERE code = 'SN'), 2::bigint,
          'two organisations may use the same code: nothing is unique across organisations');
SELECT is((SELECT (quality_year_start, time_zone, label_language)::text FROM sqm.organisation WHERE org_id = :a),
          '(1,Europe/Stockholm,sv)', 'defaults: calendar year, Europe/Stockholm, Swedish labels');

SELECT throws_ok($$SELECT sqm.create_organisation('', 'SN')$$, '23502',
                 'an organisation needs a name', 'an organisation without a name is refused');
SELECT throws_ok($$SELECT sqm.create_organisation('X', 'sn1')$$, '22023',
                 'invalid code "sn1" for organisation "X"', 'a code that cannot be a registering body is refused');
SELECT throws_ok($$SELECT sqm.create_organisation('X', 'SN', 13)$$, '22023',
                 'quality year of organisation "X" cannot start in month 13', 'a quality year starting in month 13 is refused');
SELECT throws_ok($$SELECT sqm.create_organisation('X', 'SN', 0)$$, '22023',
                 'quality year of organisation "X" cannot start in month 0', 'a quality year starting in month 0 is refused');
SELECT throws_ok($$SELECT sqm.create_organisation('X', 'SN', 1, 'Mars/Olympus')$$, '22023',
                 'unknown time zone "Mars/Olympus" for organisation "X"', 'an unknown time zone is refused');
SELECT throws_ok($$SELECT sqm.create_organisation('X', 'SN', 1, 'Europe/Stockholm', 'de')$$, '22023',
                 'unsupported label language "de" for organisation "X"', 'a label language other than sv/en is refused');
-- the table's own checks hold for a direct writer too
SELECT throws_ok($$INSERT INTO sqm.organisation (name, code, time_zone) VALUES ('X', 'SN', 'Mars/Olympus')$$, '22023',
                 NULL, 'a direct insert with an unknown time zone is refused');
SELECT throws_ok($$INSERT INTO sqm.organisation (name, code, quality_year_start) VALUES ('X', 'SN', 14)$$, '23514',
                 NULL, 'a direct insert with quality year month 14 is refused');

SELECT is(sqm.quality_year(:a, '2025-08-31'::date)::text, '2025', 'a calendar-year organisation''s quality year is the calendar year');
SELECT is(sqm.quality_year(:b, '2025-08-31'::date)::text, '2024/25@9', 'a September organisation: 31 August 2025 is in 2024/25');
SELECT is(sqm.quality_year(:b, '2025-09-01'::date)::text, '2025/26@9', 'a September organisation: 1 September 2025 is in 2025/26');
SELECT is(sqm.quality_year(:a, '2024-12-31 23:30+00'::timestamptz)::text, '2025',
          'a moment is placed in the organisation''s time zone (already 2025 in Stockholm)');

-- ---------------------------------------------------------------- units
SELECT sqm.create_unit(:a, 'Socialförvaltningen', 'administration', '2020-01-01') AS adm \gset
SELECT sqm.create_unit(:a, 'Avdelning Vuxna', 'department', '2020-01-01', :adm) AS dep \gset
SELECT sqm.create_unit(:a, 'Vuxna', 'unit', '2020-01-01', :dep) AS vuxna \gset
SELECT sqm.create_unit(:a, 'Boende', 'unit', '2021-01-01', :dep) AS boende \gset
SELECT sqm.create_unit(:b, 'Socialtjänsten', 'administration', '2020-01-01') AS badm \gset
SELECT sqm.create_unit(:b, 'Vuxna', 'unit', '2020-01-01', :badm) AS bvuxna \gset

SELECT pass('the same unit name in two organisations is allowed');

SELECT throws_ok(format($$SELECT sqm.create_unit(%s, 'Vuxna', 'unit', '2020-01-01', %s)$$, :a, :badm), '23503',
                 format('parent unit %s does not belong to organisation %s', :badm, :a),
                 'a parent from another organisation is refused by the API');
SELECT throws_ok(format($$WITH u AS (INSERT INTO sqm.unit (org_id, kind) VALUES (%s, 'unit') RETURNING org_id, unit_id)
                          INSERT INTO sqm.unit_version (org_id, unit_id, valid, name, parent_id)
                          SELECT org_id, unit_id, '[2030-01-01,)', 'X', %s FROM u$$, :a, :badm), '23503',
                 format('parent unit %s does not belong to organisation %s', :badm, :a),
                 'a parent from another organisation is refused for a direct writer');
SELECT throws_ok(format($$SELECT sqm.create_unit(%s, 'Vuxna', 'unit', '2024-01-01', %s)$$, :a, :dep), '23505',
                 format('unit name "Vuxna" is already in use in organisation %s', :a),
                 'a second unit with the same name at the same time is refused');
SELECT throws_ok(format($$SELECT sqm.create_unit(%s, 'VUXNA', 'unit', '2024-01-01', %s)$$, :a, :dep), '23505',
                 NULL, 'names are compared without regard to case');
SELECT throws_ok(format($$INSERT INTO sqm.unit_version (org_id, unit_id, valid, name, parent_id)
                          VALUES (%s, %s, '[2022-01-01,2023-01-01)', 'Vuxna II', %s)$$, :a, :vuxna, :dep), '23P01',
                 format('validity of unit %s overlaps one of its versions', :vuxna),
                 'overlapping validity of the same unit is refused');
SELECT throws_ok(format($$SELECT sqm.create_unit(%s, 'X', 'department', '2020-01-01', %s)$$, :a, :vuxna), '23514',
                 NULL, 'a department under a unit is refused (a parent never ranks below its child)');
SELECT throws_ok(format($$SELECT sqm.create_unit(%s, 'X', 'unit', '2019-01-01', %s)$$, :a, :dep), '23503',
                 NULL,
                 'a parent that did not exist yet is refused');
SELECT throws_ok(format($$SELECT sqm.create_unit(%s, 'X', 'team', '2020-01-01')$$, :a), '22023',
                 'unknown unit kind "team" for unit "X"', 'an unknown unit kind is refused');
SELECT throws_ok($$SELECT sqm.create_unit(-1, 'X', 'unit', '2020-01-01')$$, '42704',
                 'organisation -1 does not exist', 'a unit of a missing organisation is refused');
SELECT throws_ok(format($$SELECT sqm.create_unit(%s, '', 'unit', '2020-01-01', %s)$$, :a, :dep), '23502',
                 format('a unit of organisation %s needs a name', :a), 'a unit without a name is refused');

-- a cycle: two departments, each placed under the other
SELECT sqm.create_unit(:a, 'Avdelning Unga', 'department', '2020-01-01', :adm) AS dep2 \gset
SELECT lives_ok(format($$SELECT sqm.move_unit(%s, %s, %s, '2021-01-01')$$, :a, :dep2, :dep),
                'a department may sit under another department');
SELECT throws_ok(format($$SELECT sqm.move_unit(%s, %s, %s, '2022-01-01')$$, :a, :dep, :dep2), '23514',
                 format('placing unit %s under unit %s would make a cycle in the hierarchy', :dep, :dep2),
                 'a cycle in the hierarchy is refused');
SELECT throws_ok(format($$SELECT sqm.move_unit(%s, %s, %s, '2020-06-01')$$, :a, :dep, :dep2), '23514',
                 NULL, 'a cycle that only arises later in the new version''s validity is refused');
SELECT throws_ok(format($$SELECT sqm.move_unit(%s, %s, %s, '2022-01-01')$$, :a, :dep, :dep), '23514',
                 format('unit %s cannot be its own parent', :dep), 'a unit under itself is refused');

-- renames keep history; changes take effect after the version they change
SELECT lives_ok(format($$SELECT sqm.rename_unit(%s, %s, 'Boende och stöd', '2023-07-01')$$, :a, :boende),
                'a unit can be renamed from a date');
SELECT is(sqm.unit_name(:a, :boende, '2023-06-30'), 'Boende', 'the old name holds before the rename');
SELECT is(sqm.unit_name(:a, :boende, '2023-07-01'), 'Boende och stöd', 'the new name holds from the rename');
SELECT is(sqm.unit_name(:a, :boende, '2020-12-31'), NULL, 'no name before the unit existed');
SELECT throws_ok(format($$SELECT sqm.rename_unit(%s, %s, 'B', '2023-07-01')$$, :a, :boende), '22023',
                 NULL, 'a change on the first day of the version it changes is refused');
SELECT throws_ok(format($$SELECT sqm.rename_unit(%s, %s, 'B', '2019-07-01')$$, :a, :boende), '22023',
                 NULL, 'a change on a day the unit did not exist is refused');
SELECT throws_ok(format($$SELECT sqm.rename_unit(%s, %s, '', '2024-07-01')$$, :a, :boende), '22023',
                 NULL, 'a rename to an empty name is refused');

-- ending units; nothing is deleted (the renames above deferred the children
-- check in this transaction: back to its normal, immediate mode)
SET CONSTRAINTS sqm.unit_children_check IMMEDIATE;
SELECT throws_ok(format($$SELECT sqm.end_unit(%s, %s, '2022-12-31')$$, :a, :dep), '23503',
                 NULL, 'a department cannot end while units are under it');
SELECT lives_ok(format($$SELECT sqm.end_unit(%s, %s, '2023-12-31')$$, :a, :vuxna), 'a unit can end');
SELECT throws_ok(format($$SELECT sqm.end_unit(%s, %s, '2024-12-31')$$, :a, :vuxna), '55000',
                 NULL, 'a unit cannot end twice');
SELECT throws_ok(format($$DELETE FROM sqm.unit_version WHERE unit_id = %s$$, :vuxna), '55000',
                 NULL, 'unit versions are never deleted');
SELECT throws_ok(format($$DELETE FROM sqm.unit WHERE unit_id = %s$$, :vuxna), 'SQ010',
                 NULL, 'units are never deleted');
SELECT throws_ok(format($$UPDATE sqm.unit SET kind = 'department' WHERE unit_id = %s$$, :vuxna), 'SQ010',
                 NULL, 'a unit''s kind is fixed');

-- succession
SELECT throws_ok(format($$SELECT sqm.link_successor(%s, %s, %s, '2019-01-01', 'merge')$$, :a, :vuxna, :boende), '23503',
                 format('successor unit %s did not exist on 2019-01-01', :boende),
                 'a successor that did not exist then is refused');
SELECT throws_ok(format($$SELECT sqm.link_successor(%s, %s, %s, '2023-06-01', 'merge')$$, :a, :vuxna, :boende), '23514',
                 NULL, 'a merged unit must have ended');
SELECT throws_ok(format($$SELECT sqm.link_successor(%s, %s, %s, '2024-01-01', 'merge')$$, :a, :vuxna, :bvuxna), '42704',
                 NULL, 'a successor in another organisation is refused');
SELECT throws_ok(format($$SELECT sqm.link_successor(%s, %s, %s, '2024-01-01', 'takeover')$$, :a, :vuxna, :boende), '22023',
                 NULL, 'an unknown kind of succession is refused');
SELECT lives_ok(format($$SELECT sqm.link_successor(%s, %s, %s, '2024-01-01', 'merge')$$, :a, :vuxna, :boende),
                'Vuxna merges into Boende och stöd from 2024');
SELECT is(sqm.unit_successor(:a, :vuxna, '2023-12-31'), :vuxna::bigint, 'before the merge a unit is its own successor');
SELECT is(sqm.unit_successor(:a, :vuxna, '2024-01-01'), :boende::bigint, 'from the merge its history is with the successor');
SELECT throws_ok(format($$SELECT sqm.link_successor(%s, %s, %s, '2024-01-01', 'reattribution')$$, :a, :boende, :vuxna), '23503',
                 NULL, 'a successor that has ended is refused');
SELECT throws_ok(format($$SELECT sqm.link_successor(%s, %s, %s, '2023-01-01', 'reattribution')$$, :a, :boende, :vuxna), '23514',
                 NULL, 'a cycle of successors is refused');

-- existence and the hierarchy as it was
SELECT ok(sqm.unit_existed(:a, :vuxna, '2023'), 'Vuxna existed during 2023');
SELECT ok(NOT sqm.unit_existed(:a, :vuxna, '2024'), 'Vuxna did not exist during 2024');
SELECT ok(sqm.unit_existed(:a, :boende, '2020/21@9'), 'Boende existed during the quality year 2020/21 (from January 2021)');
SELECT is((SELECT string_agg(name, ', ' ORDER BY path) FROM sqm.unit_hierarchy(:a, '2020-06-01')),
          'Socialförvaltningen, Avdelning Unga, Avdelning Vuxna, Vuxna', 'the hierarchy as it was in June 2020');
SELECT is((SELECT path FROM sqm.unit_hierarchy(:a, '2024-06-01') WHERE unit_id = :boende),
          'Socialförvaltningen / Avdelning Vuxna / Boende och stöd', 'the hierarchy as it was in June 2024');
SELECT is((SELECT path FROM sqm.unit_hierarchy(:a, '2024-06-01') WHERE unit_id = :dep2),
          'Socialförvaltningen / Avdelning Vuxna / Avdelning Unga', 'a department moved under another shows under it');

SELECT * FROM finish();
ROLLBACK;
