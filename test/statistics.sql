-- Statistics (doc/statistics.md, domain.md §2, §6): the day a case counts on,
-- kept by the C trigger for every writer; each organisation's periods; the
-- per-unit rows (zero rows, units that did not exist, units of the same
-- name told apart, today's units); totals that add up; the functions'
-- refusals; every view commented, classified, registered and labelled; the
-- Swedish order.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(136);

SET LOCAL sqm.frozen_now = '2025-03-01 10:00+01';
SELECT sqm.create_roles() \g /dev/null

-- Organisation A: calendar years, Europe/Stockholm.  Zeta was replaced by a
-- new unit of the same name; Väst merged into Nya Väst on 2025-01-01.
SELECT sqm.create_organisation('Statistik A', 'SN') AS a \gset
SELECT sqm.create_unit(:a, 'Förvaltningen', 'administration', '2023-01-01') AS adm \gset
SELECT sqm.create_unit(:a, 'Avdelning Norr', 'department', '2023-01-01', :adm) AS dep \gset
SELECT sqm.create_unit(:a, 'Zeta', 'unit', '2023-01-01', :dep) AS zeta_old \gset
SELECT sqm.end_unit(:a, :zeta_old, '2023-12-31');
SELECT sqm.create_unit(:a, 'Zeta', 'unit', '2024-01-01', :dep) AS zeta \gset
SELECT sqm.create_unit(:a, 'Öst', 'unit', '2024-01-01', :dep) AS ost \gset
SELECT sqm.create_unit(:a, 'Älv', 'unit', '2024-01-01', :dep) AS alv \gset
SELECT sqm.create_unit(:a, 'Ådal', 'unit', '2024-01-01', :dep) AS adal \gset
SELECT sqm.create_unit(:a, 'Väst', 'unit', '2024-01-01', :dep) AS vast \gset
SELECT sqm.end_unit(:a, :vast, '2024-12-31');
SELECT sqm.create_unit(:a, 'Nya Väst', 'unit', '2025-01-01', :dep) AS nyvast \gset
SELECT sqm.link_successor(:a, :vast, :nyvast, '2025-01-01', 'merge');
SELECT sqm.add_deviation_type(:a, 'info', 'Information', 'Information', '2023-01-01');
SELECT sqm.add_deviation_type(:a, 'doc', 'Dokumentation', 'Documentation', '2023-01-01');
SELECT sqm.add_deviation_type(:a, 'fall', 'Fall', 'Fall', '2023-01-01', NULL, 'HSL');
-- Organisation B: quality years September–August, America/New_York.
SELECT sqm.create_organisation('Statistik B', 'SN', 9, 'America/New_York') AS b \gset
SELECT sqm.create_unit(:b, 'B1', 'unit', '2024-01-01') AS b1 \gset
SELECT sqm.add_deviation_type(:b, 'info', 'Information', 'Information', '2024-01-01');

-- Deviations through the API.  d1 is reported at 23:30 UTC on New Year's Eve:
-- 00:30 on 2025-01-01 in Stockholm.  d2 carries two types; d5 is withdrawn.
SELECT sqm.report_deviation(:a, :ost, 'SoL', '2024-12-31 20:00+00', 'x', '{info}', '2024-12-31 23:30+00') AS d1 \gset
SELECT sqm.report_deviation(:a, :vast, 'SoL', '2024-06-01 09:00+02', 'x', '{info,doc}', '2024-06-01 10:00+02') AS d2 \gset
SELECT sqm.report_deviation(:a, :zeta, 'HSL', '2025-03-01 09:00+01', 'x', '{fall}', '2025-03-01 10:00+01') AS d3 \gset
SELECT sqm.report_deviation(:a, :alv, 'LSS', '2025-02-01 09:00+01', 'x', '{doc}', '2025-02-01 10:00+01') AS d4 \gset
SELECT sqm.report_deviation(:a, :ost, 'SoL', '2025-02-20 09:00+01', 'x', '{info}', '2025-02-20 10:00+01') AS d5 \gset
SELECT sqm.withdraw_deviation(:a, :d5, 'reported', 'Dubblett');
SELECT sqm.triage_deviation(:a, :d4, 'reported', 'low');
SELECT sqm.move_object('deviation', :a, :d4, 'triaged', 'investigating');
SELECT sqm.record_deviation_summary(:a, :d4, 'investigating', 'Utrett');
-- the same moment is still 2024-12-31 in New York
SELECT sqm.report_deviation(:b, :b1, 'SoL', '2024-12-31 20:00+00', 'x', '{info}', '2025-01-01 03:00+00') AS db \gset

-- ------------------------------------------------------------ the day a case counts on
SELECT is((SELECT reported_on FROM sqm.deviation WHERE id = :d1), '2025-01-01'::date,
          'the report date is the day in the organisation''s time zone (Stockholm)');
SELECT is((SELECT reported_on FROM sqm.deviation WHERE id = :db), '2024-12-31'::date,
          'and in another organisation''s (New York)');
SELECT is((SELECT investigated_on FROM sqm.deviation WHERE id = :d4), '2025-03-01'::date,
          'a move through the API keeps the day of its moment');
SELECT is((SELECT reported_on::text || ' ' || coalesce(closed_on::text, '-') FROM sqm.deviation WHERE id = :d2),
          '2024-06-01 -', 'a day without its moment stays empty');
SELECT is((SELECT class FROM sqm.column_class WHERE table_name = 'sqm.deviation'::regclass AND column_name = 'reported_on'),
          'statistic', 'the day is of class statistic');

-- the same rule for a superuser writing directly (in organisation C, whose
-- counts no test reads), at the latest now: the row check refuses a report
-- in the future for every writer
SELECT sqm.create_organisation('Statistik C', 'SN') AS c \gset
SELECT sqm.create_unit(:c, 'C1', 'unit', '2024-01-01') AS c1 \gset
SELECT sqm.add_deviation_type(:c, 'info', 'Information', 'Information', '2024-01-01');
SELECT lives_ok(format($$INSERT INTO sqm.deviation (org_id, id, state, unit_id, regime, happened_at, reported_at, types)
                         VALUES (%s, 990001, 'reported', %s, 'SoL', '2025-02-27 23:00+00', '2025-02-27 23:30+00', '{info}')$$, :c, :c1),
                'a direct INSERT without the day');
SELECT is((SELECT reported_on FROM sqm.deviation WHERE id = 990001), '2025-02-28'::date, 'gets it filled in');
SELECT throws_ok(format($$INSERT INTO sqm.deviation (org_id, id, state, unit_id, regime, happened_at, reported_at, types, reported_on)
                          VALUES (%s, 990002, 'reported', %s, 'SoL', '2025-02-27 23:00+00', '2025-02-27 23:30+00', '{info}', '2025-02-27')$$, :c, :c1),
                 '23514', 'reported_on of deviation 990002 must be 2025-02-28, the day of reported_at',
                 'a direct INSERT with another day is refused');
SELECT lives_ok(format($$INSERT INTO sqm.deviation (org_id, id, state, unit_id, regime, happened_at, reported_at, types, reported_on)
                         VALUES (%s, 990003, 'reported', %s, 'SoL', '2025-02-27 23:00+00', '2025-02-27 23:30+00', '{info}', '2025-02-28')$$, :c, :c1),
                'a direct INSERT with the right day passes');
SELECT throws_ok($$UPDATE sqm.deviation SET reported_on = '2025-03-03' WHERE id = 990001$$, '23514',
                 'reported_on of deviation 990001 must be 2025-02-28, the day of reported_at',
                 'a direct UPDATE of the day alone is refused');
SELECT throws_ok(format($$UPDATE sqm.deviation SET closed_on = '2025-03-03' WHERE id = %s$$, :d1), '23514',
                 format('closed_on of deviation %s cannot be 2025-03-03 while closed_at is empty', :d1),
                 'a day without its moment is refused');
UPDATE sqm.deviation SET reported_at = '2025-03-01 08:00+01' WHERE id = 990001;
SELECT is((SELECT reported_on FROM sqm.deviation WHERE id = 990001), '2025-03-01'::date, 'an UPDATE of the moment moves the day');
UPDATE sqm.deviation SET reported_on = NULL WHERE id = 990001;
SELECT is((SELECT reported_on FROM sqm.deviation WHERE id = 990001), '2025-03-01'::date, 'and a day set to NULL is filled in again');

-- the first moment that is not NULL, on any table that has the protocol's key
CREATE TABLE sqm.tst_days (org_id bigint, id bigint, a timestamptz, b timestamptz, d date);
SELECT sqm.classify('sqm.tst_days', '{"internal": ["org_id", "id"], "exact_time": ["a", "b"], "statistic": ["d"]}');
SELECT sqm.count_days('sqm.tst_days', '{"d": ["a", "b"]}');
INSERT INTO sqm.tst_days VALUES (:a, 1, NULL, '2025-05-05 23:30+00'), (:a, 2, '2025-05-05 12:00+00', '2025-05-05 23:30+00');
SELECT is((SELECT string_agg(d::text, ' ' ORDER BY id) FROM sqm.tst_days), '2025-05-06 2025-05-05',
          'the day of the first moment that is not NULL');
SELECT throws_ok($$SELECT sqm.count_days('sqm.tst_days', '{"e": ["a"]}')$$, '42703', 'table sqm.tst_days has no date column "e"',
                 'a day column that does not exist is refused');
SELECT throws_ok($$SELECT sqm.count_days('sqm.tst_days', '{"d": ["x"]}')$$, '42703', 'table sqm.tst_days has no timestamptz column "x"',
                 'a moment that does not exist is refused');
ALTER TABLE sqm.tst_days ADD COLUMN e date;
SELECT sqm.classify('sqm.tst_days', '{"internal": ["org_id", "id"], "exact_time": ["a", "b", "e"], "statistic": ["d"]}');
SELECT throws_ok($$SELECT sqm.count_days('sqm.tst_days', '{"e": ["a"]}')$$, '42P17', 'day column "e" of table sqm.tst_days is not of class statistic',
                 'a day column that is not of class statistic is refused');
-- the trigger used the wrong way (39P01)
CREATE TRIGGER bad AFTER INSERT ON sqm.tst_days FOR EACH ROW EXECUTE FUNCTION sqm.local_days('d', 'a');
SELECT throws_ok(format('INSERT INTO sqm.tst_days VALUES (%s, 3, now(), NULL)', :a), '39P01', NULL, 'AFTER instead of BEFORE');
DROP TRIGGER bad ON sqm.tst_days;
CREATE TRIGGER bad BEFORE INSERT ON sqm.tst_days FOR EACH ROW EXECUTE FUNCTION sqm.local_days('d');
SELECT throws_ok(format('INSERT INTO sqm.tst_days VALUES (%s, 3, now(), NULL)', :a), '39P01',
                 'trigger "bad" on table sqm.tst_days needs pairs of a date column and its moments', 'an odd number of arguments');
DROP TRIGGER bad ON sqm.tst_days;
CREATE TRIGGER bad BEFORE INSERT ON sqm.tst_days FOR EACH ROW EXECUTE FUNCTION sqm.local_days('a', 'b');
SELECT throws_ok(format('INSERT INTO sqm.tst_days VALUES (%s, 3, now(), NULL)', :a), '39P01',
                 'trigger "bad" on table sqm.tst_days names column "a", which is not a column of type date', 'a day column that is no date');
DROP TRIGGER bad ON sqm.tst_days;
SELECT throws_ok('SELECT sqm.local_days()', '39P01', 'function sqm.local_days() was not called by the trigger manager', 'not callable directly');
-- the time zones are cached, and a change of time zone is seen
SELECT loads AS loads0, hits AS hits0 FROM sqm.local_days_cache_stats() \gset
INSERT INTO sqm.tst_days VALUES (:a, 4, '2025-05-05 23:30+00', NULL), (:a, 5, '2025-05-05 23:30+00', NULL);
SELECT is((SELECT hits - :hits0 >= 1 AND loads - :loads0 <= 1 FROM sqm.local_days_cache_stats()), true,
          'the second row of an organisation is a cache hit');
UPDATE sqm.organisation SET time_zone = 'UTC' WHERE org_id = :a;
INSERT INTO sqm.tst_days VALUES (:a, 6, '2025-05-05 23:30+00', NULL);
SELECT is((SELECT d FROM sqm.tst_days WHERE id = 6), '2025-05-05'::date, 'a new time zone is used at once');
UPDATE sqm.organisation SET time_zone = 'Europe/Stockholm' WHERE org_id = :a;
SELECT is((SELECT d FROM sqm.tst_days WHERE id = 4), '2025-05-06'::date, 'days already kept stay as they were');
DROP TABLE sqm.tst_days;
DELETE FROM sqm.column_class WHERE table_name::text = 'sqm.tst_days';

-- ------------------------------------------------------------ periods
SET LOCAL sqm.frozen_now = '2026-02-15 12:00+01';
SELECT is((SELECT string_agg(period, ' ' ORDER BY first_day) FROM sqm.stat_period WHERE org_id = :b AND period_kind = 'year'),
          '2023/24@9 2024/25@9 2025/26@9', 'an organisation''s reporting years are its quality years, from its first unit to today');
SELECT is((SELECT first_day || ' ' || last_day || ' ' || previous_period FROM sqm.stat_period WHERE org_id = :b AND period = '2024/25@9'),
          '2024-09-01 2025-08-31 2023/24@9', 'with first and last day and the period before');
SELECT is((SELECT string_agg(period, ' ' ORDER BY first_day) FROM sqm.stat_period
            WHERE org_id = :a AND period_kind = 'quarter' AND first_day >= '2025-01-01'),
          '2025Q1 2025Q2 2025Q3 2025Q4 2026Q1', 'calendar quarters, filtered by date');
SELECT is((SELECT count(*) FROM sqm.stat_period WHERE org_id = :a AND period_kind = 'month'), 38::bigint,
          'and months, 2023-01 to 2026-02');
SELECT is((SELECT follow_up_day || ' ' || complete FROM sqm.stat_period WHERE org_id = :a AND period = '2024'),
          '2025-01-31 true', 'the follow-up day is the end of the month after the period');
SELECT is((SELECT period_kind || ' ' || first_day FROM sqm.stat_period_of(:a, '2024/25@9')), 'year 2024-09-01',
          'any period, for the functions');

-- ------------------------------------------------------------ counts, per unit, per type
SELECT is((SELECT string_agg(regime_group || ':' || reports, ' ' ORDER BY regime_group) FROM sqm.stat_deviation_summary
            WHERE org_id = :a AND period = '2025'),
          'HSL:1 SoL/LSS:2 collaboration:0', 'reports per regime group (LSS with SoL; the withdrawn one not counted)');
SELECT is((SELECT reports FROM sqm.stat_deviation_summary WHERE org_id = :b AND period = '2024Q4' AND regime_group = 'SoL/LSS'), 1,
          'the report in New York''s 2024-12-31 counts in 2024Q4');
SELECT is((SELECT reports FROM sqm.stat_deviation_summary WHERE org_id = :a AND period = '2024Q4' AND regime_group = 'SoL/LSS'), 0,
          'and Stockholm''s 2025-01-01 not');

CREATE TEMP VIEW u25 AS
SELECT * FROM sqm.stat_deviation_per_unit WHERE org_id = :a AND period = '2025' AND regime_group = 'SoL/LSS';
SELECT is((SELECT string_agg(unit_label, ', ' ORDER BY unit_id) FROM u25 WHERE attribution = 'today' AND unit_kind = 'unit'),
          'Zeta (2024–), Öst, Älv, Ådal, Nya Väst', 'every unit of kind unit that exists, no ended or merged one');
SELECT is((SELECT string_agg(unit_label, ', ' ORDER BY unit_label) FROM u25 WHERE attribution = 'today' AND unit_kind = 'unit'),
          'Nya Väst, Zeta (2024–), Ådal, Älv, Öst', 'in Swedish order (… Z, Å, Ä, Ö)');
SELECT is((SELECT cases || ' ' || unit_existed FROM u25 WHERE attribution = 'today' AND unit_id = :adal), '0 true',
          'a unit that existed and had none: 0');
SELECT is((SELECT coalesce(cases::text, 'NULL') || ' ' || unit_existed || ' ' || previous_cases || ' ' || unit_existed_previous
             FROM u25 WHERE attribution = 'today' AND unit_id = :nyvast),
          '0 true 1 false', 'today: the merged unit''s report counts under its successor, which did not exist then');
SELECT is((SELECT coalesce(cases::text, 'NULL') || ' ' || unit_existed || ' ' || previous_cases
             FROM u25 WHERE attribution = 'as_it_was' AND unit_id = :vast),
          'NULL false 1', 'as it was: a unit that did not exist in the period has NULL and unit_existed false');
SELECT is((SELECT count(*) FROM u25 WHERE attribution = 'today' AND unit_id = :vast), 0::bigint,
          'and under today''s units it has no row');
SELECT is((SELECT count(*) FROM u25 WHERE unit_kind <> 'unit'), 0::bigint,
          'departments and the administration only where cases count under them');
SELECT is((SELECT string_agg(DISTINCT department_name || '/' || parent_name, ' ') FROM u25), 'Avdelning Norr/Avdelning Norr',
          'each unit''s department and parent');
SELECT is((SELECT string_agg(unit_label, ' | ' ORDER BY unit_id)
             FROM sqm.stat_units(:a, '2023-01-01', '2023-12-31', NULL, NULL, 'as_it_was', '2026-02-15', 'sv') WHERE unit_name = 'Zeta'),
          'Zeta (2023–2023) | Zeta (2024–)', 'units of the same name are told apart by their years');
SELECT is((SELECT unit_name || ' ' || unit_valid_from || ' ' || unit_valid_until
             FROM sqm.stat_units(:a, '2023-01-01', '2023-12-31', NULL, NULL, 'as_it_was', '2026-02-15', 'sv') WHERE unit_id = :zeta_old),
          'Zeta 2023-01-01 2023-12-31', 'and carry their lifetime');
-- A unit's department is the nearest unit of kind department above it on
-- the day, however deep (organisation C, whose counts no test reads): a
-- section that is a department, a group under a group, none under the
-- administration alone.
SELECT sqm.create_unit(:c, 'C Förvaltning', 'administration', '2024-01-01') AS c_adm \gset
SELECT sqm.create_unit(:c, 'C Avdelning', 'department', '2024-01-01', :c_adm) AS c_dep \gset
SELECT sqm.create_unit(:c, 'C Sektion', 'department', '2024-01-01', :c_dep) AS c_sec \gset
SELECT sqm.create_unit(:c, 'C Grupp', 'unit', '2024-01-01', :c_sec) AS c_grp \gset
SELECT sqm.create_unit(:c, 'C Undergrupp', 'unit', '2024-01-01', :c_grp) AS c_sub \gset
SELECT sqm.create_unit(:c, 'C Stab', 'unit', '2024-01-01', :c_adm) AS c_stab \gset
SELECT sqm.move_unit(:c, :c_grp, :c_dep, '2025-01-01');
SELECT is((SELECT string_agg(unit_name || ':' || coalesce(department_name, '-') || ':' || coalesce(parent_name, '-'), ' ' ORDER BY unit_id)
             FROM sqm.stat_units(:c, '2024-01-01', '2024-12-31', NULL, NULL, 'as_it_was', '2026-02-15', 'sv')
            WHERE unit_id IN (:c_dep, :c_sec, :c_grp, :c_sub, :c_stab)),
          'C Avdelning:C Avdelning:C Förvaltning C Sektion:C Sektion:C Avdelning C Grupp:C Sektion:C Sektion C Undergrupp:C Sektion:C Grupp C Stab:-:C Förvaltning',
          'the department is the nearest above on the period''s last day, two levels up for a group under a group, none under the administration');
SELECT is((SELECT string_agg(unit_name || ':' || department_name, ' ' ORDER BY unit_id)
             FROM sqm.stat_units(:c, '2024-01-01', '2024-12-31', NULL, NULL, 'today', '2026-02-15', 'sv')
            WHERE unit_id IN (:c_grp, :c_sub)),
          'C Grupp:C Avdelning C Undergrupp:C Avdelning', 'under attribution today, the department of today''s organisation');
SELECT is((SELECT string_agg(unit_name || ':' || unit_existed || ':' || coalesce(unit_existed_previous::text, '-') || ':' || listed, ' ' ORDER BY unit_id)
             FROM sqm.stat_units(:c, '2024-01-01', '2024-12-31', '2023-01-01', '2023-12-31', 'as_it_was', '2026-02-15', 'sv')
            WHERE unit_id IN (:c_dep, :c_sub)),
          'C Avdelning:true:false:false C Undergrupp:true:false:true', 'existence in the period and the one before; only units are listed');
SELECT sqm.create_unit(:c, 'C Team', 'unit', '2024-01-01', :c_dep) AS c_team1 \gset
SELECT sqm.end_unit(:c, :c_team1, '2024-05-31');
SELECT sqm.create_unit(:c, 'C Team', 'unit', '2024-06-01', :c_dep) AS c_team2 \gset
SELECT sqm.link_successor(:c, :c_team1, :c_team2, '2024-06-01', 'merge');
SELECT is((SELECT string_agg(unit_label, ' | ' ORDER BY unit_id)
             FROM sqm.stat_units(:c, '2024-01-01', '2024-12-31', NULL, NULL, 'as_it_was', '2026-02-15', 'sv')
            WHERE unit_id IN (:c_team1, :c_team2)),
          format('C Team (2024–2024, %s) | C Team (2024–, %s)', :c_team1, :c_team2),
          'units of the same name begun in the same year are told apart by their ids too');
SELECT is((SELECT string_agg(attribution || ':' || listed, ' ' ORDER BY attribution)
             FROM (SELECT 'as_it_was' AS attribution, listed
                     FROM sqm.stat_units(:c, '2024-01-01', '2024-12-31', NULL, NULL, 'as_it_was', '2026-02-15', 'sv') WHERE unit_id = :c_team1
                   UNION ALL
                   SELECT 'today', listed
                     FROM sqm.stat_units(:c, '2024-01-01', '2024-12-31', NULL, NULL, 'today', '2026-02-15', 'sv') WHERE unit_id = :c_team1) x),
          'as_it_was:true today:false', 'a unit whose history went to its successor is listed as it was, not under today''s units');
SELECT is((SELECT cases FROM sqm.stat_deviation_per_unit_total
            WHERE org_id = :a AND period = '2025' AND regime_group = 'SoL/LSS' AND attribution = 'today'),
          (SELECT sum(cases)::integer FROM u25 WHERE attribution = 'today'), 'the unit rows sum to the total');

SELECT is((SELECT string_agg(type_code || ':' || cases, ' ' ORDER BY type_code) FROM sqm.stat_deviation_per_type
            WHERE org_id = :a AND period = '2024' AND regime_group = 'SoL/LSS'),
          'doc:1 info:1', 'a report with two types counts under each');
SELECT is((SELECT cases || ' ' || counted_in_several_rows || ' ' || cases_in_several_rows FROM sqm.stat_deviation_per_type_total
            WHERE org_id = :a AND period = '2024' AND regime_group = 'SoL/LSS'),
          '1 1 1', 'the total counts it once, and once more in several rows');
SELECT is((SELECT string_agg(type_code || ':' || cases, ' ' ORDER BY type_code) FROM sqm.stat_deviation_per_type
            WHERE org_id = :a AND period = '2025' AND regime_group = 'HSL'),
          'fall:1', 'HSL reports have HSL types');
SELECT is((SELECT string_agg(unit_name || ':' || type_code || ':' || cases, ' ' ORDER BY unit_name, type_code)
             FROM sqm.stat_deviation_per_type_per_unit
            WHERE org_id = :a AND period = '2024' AND regime_group = 'SoL/LSS' AND attribution = 'today'),
          'Nya Väst:doc:1 Nya Väst:info:1', 'per type and unit, under today''s units');

-- ------------------------------------------------------------ status at the follow-up, open longest
SET LOCAL sqm.frozen_now = '2026-02-10 12:00+01';
SELECT sqm.close_deviation(:a, :d4, 'investigating', 'Rättat direkt');
SET LOCAL sqm.frozen_now = '2026-02-15 12:00+01';
SELECT is((SELECT string_agg(status || ':' || cases, ' ') FROM sqm.stat_deviation_status
            WHERE org_id = :a AND period = '2025' AND regime_group = 'SoL/LSS'),
          'closed:0 investigating:1 investigated:1', 'status on the follow-up day, 2026-01-31: closed later counts as not closed');
SELECT is((SELECT string_agg(status || ':' || cases, ' ') FROM sqm.deviation_status_at(:a, '2025', '2026-02-12')),
          'closed:1 investigating:1 investigated:0', 'on another day, through the function');
SELECT is((SELECT string_agg(rank || ':' || deviation_id, ' ' ORDER BY rank) FROM sqm.stat_deviation_open_longest
            WHERE org_id = :a AND period = '2025' AND regime_group = 'SoL/LSS'),
          format('1:%s 2:%s 3:%s', :d2, :d1, :d4), 'open at the follow-up, longest first, earlier periods too');
SELECT is((SELECT days_open FROM sqm.deviations_open_longest(:a, '2025', '2026-01-31', 1)), 609,
          'days open as a number');

-- ------------------------------------------------------------ lex Sarah: one investigation of two units, one of one
SET LOCAL sqm.frozen_now = '2025-05-05 10:00+02';
SELECT sqm.report_lex_sarah(:a, :ost, 'SoL', '2025-05-04 09:00+02', 'x', 'Anna', 'Undersköterska') AS r1 \gset
SELECT sqm.report_lex_sarah(:a, :alv, 'SoL', '2025-05-04 09:00+02', 'x', 'Bo', 'Boendestödjare') AS r2 \gset
SELECT sqm.report_lex_sarah(:a, :adal, 'SoL', '2025-05-04 09:00+02', 'x', 'Cia', 'Handläggare') AS r3 \gset
SELECT sqm.open_lex_sarah_investigation(:a, :ost, ARRAY[:r1, :r2]) AS inv \gset
SELECT sqm.open_lex_sarah_investigation(:a, :adal, ARRAY[:r3]) AS inv2 \gset
SET LOCAL sqm.frozen_now = '2025-06-10 10:00+02';
SELECT sqm.close_lex_sarah_early(:a, :inv, 'opened', 'Inget missförhållande');
SELECT sqm.close_lex_sarah_early(:a, :inv2, 'opened', 'Inget missförhållande');
SET LOCAL sqm.frozen_now = '2026-02-15 12:00+01';
SELECT is((SELECT completed_on FROM sqm.lex_sarah_investigation WHERE id = :inv), '2025-06-10'::date,
          'an early close is completed on the day it closed');
SELECT is((SELECT string_agg(unit_name || ':' || cases, ' ' ORDER BY unit_name) FROM sqm.stat_lex_sarah_per_unit
            WHERE org_id = :a AND period = '2025' AND attribution = 'today' AND cases > 0),
          'Ådal:1 Älv:1 Öst:1', 'an investigation counts once for each unit of its reports');
SELECT is((SELECT cases || ' ' || counted_in_several_rows || ' ' || cases_in_several_rows FROM sqm.stat_lex_sarah_per_unit_total
            WHERE org_id = :a AND period = '2025' AND attribution = 'today'),
          '2 1 1', 'the total counts each once and says one counts in two rows');
SELECT is((SELECT reports_received || ' ' || investigations_started || ' ' || investigations_completed || ' ' || notified_to_ivo
             FROM sqm.stat_lex_sarah_summary WHERE org_id = :a AND period = '2025'),
          '3 2 2 0', 'reports received, investigations started and completed');
SELECT is((SELECT string_agg(outcome || ':' || cases, ' ') FROM sqm.stat_lex_sarah_outcome
            WHERE org_id = :a AND period = '2025' AND cases > 0),
          'no_impropriety:2', 'the outcome');
SELECT is((SELECT cases || ' ' || counted_in_several_rows FROM sqm.stat_lex_sarah_outcome_per_unit_total
            WHERE org_id = :a AND period = '2025' AND attribution = 'as_it_was'),
          '2 1', 'outcome per unit: once per unit');
SELECT is((SELECT cases || ' ' || cases_in_no_row FROM sqm.stat_lex_sarah_theme_total WHERE org_id = :a AND period = '2025'),
          '0 2', 'an investigation without a theme is in no row of the themes, and the total says so');

-- ------------------------------------------------------------ every total adds up
CREATE FUNCTION pg_temp.identity_breaks(v regclass, t regclass, prev boolean) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    keys  text;
    n     bigint;
BEGIN
    SELECT string_agg(format('r.%1$I IS NOT DISTINCT FROM t.%1$I', a.attname), ' AND ') INTO keys
      FROM pg_attribute a
     WHERE a.attrelid = t AND a.attnum > 0 AND NOT a.attisdropped AND a.attname <> ALL (sqm.stat_total_columns());
    EXECUTE format('SELECT count(*) FROM %s t WHERE t.org_id IN (%s, %s) AND (t.period_kind = ''year'' OR t.period IN (''2024Q4'', ''2025Q1''))
                      AND (t.%s + t.%s) IS DISTINCT FROM (SELECT coalesce(sum(r.%s), 0) FROM %s r WHERE %s)',
                   t, current_setting('tst.a'), current_setting('tst.b'),
                   CASE WHEN prev THEN 'previous_cases' ELSE 'cases' END,
                   CASE WHEN prev THEN 'previous_counted_in_several_rows' ELSE 'counted_in_several_rows' END,
                   CASE WHEN prev THEN 'previous_cases' ELSE 'cases' END, v, keys) INTO n;
    RETURN n;
END $$;
SELECT set_config('tst.a', :'a', true), set_config('tst.b', :'b', true) \g /dev/null
SELECT is(pg_temp.identity_breaks(view_name, total_view, false), 0::bigint,
          format('%s sums to %s: cases + counted_in_several_rows', view_name, total_view))
  FROM sqm.stat_view WHERE total_view IS NOT NULL ORDER BY ord;
SELECT is(pg_temp.identity_breaks(view_name, total_view, true), 0::bigint,
          format('%s: the period before sums to its total too', view_name))
  FROM sqm.stat_view v WHERE total_view IS NOT NULL
   AND EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = v.view_name AND a.attname = 'previous_cases')
 ORDER BY ord;

-- ------------------------------------------------------------ today's units, once per unit and range
SELECT is((SELECT count(*) FROM sqm.unit u
             CROSS JOIN unnest('{2023-06-01,2024-06-01,2024-12-31,2025-01-01,2025-06-01}'::date[]) day
             CROSS JOIN unnest('{2024-12-31,2025-01-01,2026-02-15}'::date[]) as_of
            WHERE u.org_id = :a
              AND sqm.unit_attribution(:a, u.unit_id, day, as_of) IS DISTINCT FROM
                  (SELECT m.attributed_to FROM sqm.unit_attribution_map(:a, as_of) m
                    WHERE m.unit_id = u.unit_id AND m.days @> day)),
          0::bigint, 'sqm.unit_attribution_map gives sqm.unit_attribution''s answer for every unit, day and as-of day');

-- ------------------------------------------------------------ the functions refuse bad arguments
CREATE ROLE tst_stat_reader IN ROLE sqm_report_reader;
SELECT sqm.grant_membership(:b, 'tst_stat_reader', 'report_reader');
CREATE FUNCTION pg_temp.refusal(r text, q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    IF r IS NOT NULL THEN EXECUTE format('SET LOCAL ROLE %I', r); END IF;
    BEGIN
        EXECUTE q;
    EXCEPTION WHEN OTHERS THEN
        RESET ROLE;
        RETURN SQLSTATE || ': ' || SQLERRM;
    END;
    RESET ROLE;
    RETURN 'ok';
END $$;
SELECT is(pg_temp.refusal(NULL, format(q, 987654321)), '42704: organisation 987654321 does not exist',
          format('an organisation that does not exist: %s', split_part(q, '(', 1)))
  FROM unnest(ARRAY[$$SELECT * FROM sqm.deviations_per_unit(%s, '2025')$$,
                    $$SELECT * FROM sqm.deviations_per_type(%s, '2025')$$,
                    $$SELECT * FROM sqm.deviation_status_at(%s, '2025', '2026-01-31')$$,
                    $$SELECT * FROM sqm.deviations_open_longest(%s, '2025')$$,
                    $$SELECT * FROM sqm.lex_sarah_per_unit(%s, '2025')$$,
                    $$SELECT * FROM sqm.lex_sarah_outcomes(%s, '2025')$$,
                    $$SELECT * FROM sqm.ivo_answers(%s, '2025')$$,
                    $$SELECT * FROM sqm.lex_sarah_themes(%s, '2025')$$]) q;
SELECT is(pg_temp.refusal('tst_stat_reader', format($$SELECT * FROM sqm.deviations_per_unit(%s, '2025')$$, :a)),
          format('42704: organisation %s does not exist', :a),
          'an organisation the caller is no member of: the same refusal');
SELECT is(pg_temp.refusal('tst_stat_reader', $$SELECT * FROM sqm.deviations_per_unit(987654321, '2025')$$),
          '42704: organisation 987654321 does not exist', 'and for one that does not exist');
CREATE FUNCTION pg_temp.refusal_detail(r text, q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE d text;
BEGIN
    EXECUTE format('SET LOCAL ROLE %I', r);
    BEGIN
        EXECUTE q;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
        RESET ROLE;
        RETURN d;
    END;
    RESET ROLE;
    RETURN NULL;
END $$;
SELECT is(replace(pg_temp.refusal_detail('tst_stat_reader', format($$SELECT * FROM sqm.lex_sarah_themes(%s, '2025')$$, :a)), :'a', 'N'),
          replace(pg_temp.refusal_detail('tst_stat_reader', $$SELECT * FROM sqm.lex_sarah_themes(987654321, '2025')$$), '987654321', 'N'),
          'with the same detail: nothing tells the two apart');
SELECT is(pg_temp.refusal('tst_stat_reader', format($$SELECT count(*) FROM sqm.deviations_per_unit(%s, '2024/25@9')$$, :b)),
          'ok', 'its own organisation it may read');
SELECT is(pg_temp.refusal(NULL, format($$SELECT * FROM sqm.deviations_per_unit(%s, '2025', 'today', %L)$$, :a, g)),
          format('22023: unknown regime group "%s"', g), format('regime group %s is refused', g))
  FROM unnest(ARRAY['SOL', 'SoL', 'sol/lss', 'Samverkan']) g;
SELECT is(pg_temp.refusal(NULL, format($$SELECT * FROM sqm.deviations_per_unit(%s, '2025', 'today', NULL)$$, :a)),
          '22023: unknown regime group "<NULL>"', 'and a missing one');
SELECT is(pg_temp.refusal(NULL, format($$SELECT * FROM %s$$, q)), '22023: unknown label language "de"',
          format('language de: %s', split_part(q, '(', 1)))
  FROM unnest(ARRAY[format($$sqm.deviations_per_type(%s, '2025', 'SoL/LSS', 'de')$$, :a),
                    format($$sqm.lex_sarah_outcomes(%s, '2025', 'de')$$, :a)]) q;
SELECT is(pg_temp.refusal(NULL, format($$SELECT * FROM sqm.lex_sarah_per_unit(%s, '2025', 'now')$$, :a)),
          '22023: unknown attribution "now"', 'an unknown attribution');
SELECT is(pg_temp.refusal(NULL, format($$SELECT * FROM sqm.lex_sarah_themes(%s, NULL)$$, :a)),
          '22023: a statistics function needs a period', 'a missing period');
SELECT is(pg_temp.refusal(NULL, format($$SELECT * FROM sqm.deviation_status_at(%s, '2025', NULL)$$, :a)),
          '22023: the status of the deviation reports of 2025 needs a follow-up day', 'a missing follow-up day');

-- ------------------------------------------------------------ every view: registered, commented, classified, labelled
SELECT is((SELECT string_agg(c.relname, ', ') FROM pg_class c
            WHERE c.relnamespace = 'sqm'::regnamespace AND c.relkind = 'v' AND c.relname LIKE 'stat\_%'
              AND NOT EXISTS (SELECT FROM sqm.stat_view s WHERE s.view_name = c.oid)), NULL,
          'every statistics view is registered');
SELECT is((SELECT string_agg(v.view_name || '.' || a.attname, ', ') FROM sqm.stat_view v
             JOIN pg_attribute a ON a.attrelid = v.view_name AND a.attnum > 0
            WHERE coalesce(col_description(v.view_name, a.attnum), '') = ''), NULL,
          'every column of every statistics view has a comment');
SELECT is((SELECT string_agg(v.view_name::text, ', ') FROM sqm.stat_view v WHERE obj_description(v.view_name, 'pg_class') IS NULL), NULL,
          'every statistics view has a comment');
SELECT is((SELECT string_agg(v.view_name::text, ', ') FROM sqm.stat_view v JOIN pg_class c ON c.oid = v.view_name
            WHERE NOT coalesce(c.reloptions @> '{security_invoker=true}', false)), NULL,
          'every statistics view is security_invoker');
SELECT is((SELECT string_agg(v.view_name || '.' || a.attname, ', ') FROM sqm.stat_view v
             JOIN pg_attribute a ON a.attrelid = v.view_name AND a.attnum > 0
            WHERE NOT EXISTS (SELECT FROM sqm.column_class c WHERE c.table_name = v.view_name AND c.column_name = a.attname
                                 AND c.class IN ('statistic', 'internal') AND c.part = 'statistics')), NULL,
          'every column of every statistics view is classified statistic or internal');
SELECT is((SELECT string_agg(v.view_name::text, ', ') FROM sqm.stat_view v
            WHERE NOT EXISTS (SELECT FROM sqm.label l WHERE l.kind = 'stat_view' AND l.code = (SELECT relname FROM pg_class WHERE oid = v.view_name))), NULL,
          'every statistics view has its title in sqm.label');
SELECT is((SELECT string_agg(v.view_name || '.' || a.attname || ' ' || format_type(a.atttypid, NULL), ', ') FROM sqm.stat_view v
             JOIN pg_attribute a ON a.attrelid = v.view_name AND a.attnum > 0
            WHERE a.atttypid NOT IN ('bigint'::regtype, 'integer'::regtype, 'text'::regtype, 'date'::regtype, 'boolean'::regtype)), NULL,
          'every column is of a plain type (no arrays, periods, intervals)');
SELECT is((SELECT string_agg(DISTINCT a.attname || ' ' || format_type(a.atttypid, NULL), ', ') FROM sqm.stat_view v
             JOIN pg_attribute a ON a.attrelid = v.view_name AND a.attnum > 0
            WHERE a.attname IN ('period', 'previous_period', 'first_day', 'last_day', 'cases', 'previous_cases')
              AND NOT (a.attname LIKE '%period' AND a.atttypid = 'text'::regtype OR a.attname LIKE '%day' AND a.atttypid = 'date'::regtype
                       OR a.attname LIKE '%cases' AND a.atttypid = 'integer'::regtype)), NULL,
          'periods are text, days dates, counts integers, alike in every view');
SELECT is((SELECT string_agg(p.proname, ', ') FROM pg_proc p
            WHERE p.pronamespace = 'sqm'::regnamespace AND p.prorettype IN (SELECT reltype FROM pg_class c JOIN sqm.stat_view v ON v.view_name = c.oid)
              AND NOT (p.proconfig @> '{jit=off}')), NULL,
          'the functions returning a view''s rows carry SET jit = off');
SELECT is((SELECT string_agg(DISTINCT l.kind || ':' || x.code, ', ') FROM (
             SELECT 'lex_sarah_outcome' AS kind, e::text AS code FROM unnest(enum_range(NULL::sqm.lex_sarah_outcome)) e
             UNION ALL SELECT 'regime_group', unnest('{SoL/LSS,HSL,collaboration}'::text[])
             UNION ALL SELECT 'unit_kind', unnest('{administration,department,unit}'::text[])) x
             LEFT JOIN sqm.label l ON l.kind = x.kind AND l.code = x.code WHERE l.code IS NULL), NULL,
          'every code a view shows has a label');
-- the registration refuses what does not fit
CREATE VIEW sqm.tst_view AS SELECT 1::bigint AS org_id, 'x'::text AS mystery;
SELECT throws_ok($$SELECT sqm.register_stat_view('sqm.tst_view', NULL, 'T', 'T', 'test')$$, '42P17',
                 'column "mystery" of statistics view sqm.tst_view has no comment', 'a column without a comment is refused');
SELECT throws_ok($$SELECT sqm.register_stat_view('sqm.tst_view', NULL, 'T', 'T', 'test',
                   columns => '{"mystery": {"comment": "who", "class": "personal"}}')$$, '42P17',
                 'column "mystery" of statistics view sqm.tst_view cannot be of class personal', 'a column of class personal is refused');
SELECT throws_ok($$SELECT sqm.register_stat_view('sqm.tst_view', NULL, 'T', 'T', 'test', 'sqm.stat_period', '{"mystery": "x"}')$$, '42P17',
                 'view sqm.stat_period is no total of statistics view sqm.tst_view', 'a total view without the counts is refused');
SELECT throws_ok($$SELECT sqm.register_stat_view('sqm.label', NULL, 'T', 'T', 'test')$$, '42809', 'sqm.label is not a view',
                 'a table is refused');
DROP VIEW sqm.tst_view;

-- ------------------------------------------------------------ Swedish order
SELECT ok('Z' < 'Å' COLLATE sqm.swedish AND 'Å' < 'Ä' COLLATE sqm.swedish AND 'Ä' < 'Ö' COLLATE sqm.swedish
          AND 'Vuxna' < 'Vägledning' COLLATE sqm.swedish AND 'Ådal' < 'Älv' COLLATE sqm.swedish,
          'sqm.swedish sorts … Z, Å, Ä, Ö');
SELECT is((SELECT string_agg(collname, ' ') FROM pg_attribute a JOIN pg_collation c ON c.oid = a.attcollation
            WHERE a.attrelid = 'sqm.label'::regclass AND a.attname IN ('label_sv', 'label_en')), 'swedish swedish',
          'the label table sorts in Swedish');
SELECT is((SELECT string_agg(DISTINCT c.collname, ' ') FROM sqm.stat_view v
             JOIN pg_attribute a ON a.attrelid = v.view_name AND a.attname IN ('label', 'label_sv', 'unit_label', 'unit_name')
             JOIN pg_collation c ON c.oid = a.attcollation), 'swedish',
          'and so do the views'' labels and unit names');

-- ------------------------------------------------------------ the periods' rows, kept per backend
-- sqm.stat_periods keeps the rows it formed last while what they are made of
-- is the same: each of those changing alone is seen by the next read.
SET LOCAL sqm.frozen_now = '2026-02-15 12:00+01';
SELECT is((SELECT period_kind_label FROM sqm.stat_period WHERE org_id = :a AND period = '2025'), 'år',
          'the period kind''s label');
UPDATE sqm.label SET label_sv = 'verksamhetsår' WHERE kind = 'period_kind' AND code = 'year';
SELECT is((SELECT period_kind_label FROM sqm.stat_period WHERE org_id = :a AND period = '2025'), 'verksamhetsår',
          'a changed label of a period kind is read at once');
-- the labels the same in both languages: only the language itself changes
UPDATE sqm.label SET label_en = label_sv WHERE kind = 'period_kind';
SELECT is((SELECT label_language FROM sqm.stat_period WHERE org_id = :a AND period = '2025'), 'sv', 'the label language');
UPDATE sqm.organisation SET label_language = 'en' WHERE org_id = :a;
SELECT is((SELECT label_language || ' ' || period_kind_label FROM sqm.stat_period WHERE org_id = :a AND period = '2025'),
          'en verksamhetsår', 'a changed language is read at once');
-- an organisation with the same calendar, language and labels as A
UPDATE sqm.organisation SET label_language = 'sv' WHERE org_id = :a;
SELECT sqm.create_organisation('Statistik C', 'SC') AS c \gset
SELECT sqm.create_unit(:c, 'C1', 'unit', '2023-01-01') AS c1 \gset
SELECT is((SELECT count(*) || ' ' || min(org_id) FROM sqm.stat_periods(:a)), '55 ' || :a, 'A''s periods');
SELECT is((SELECT count(*) || ' ' || min(org_id) || ' ' || max(org_id) FROM sqm.stat_periods(:c)), '55 ' || :c || ' ' || :c,
          'the same periods of another organisation are its own');
SET LOCAL sqm.frozen_now = '2026-03-15 12:00+01';
SELECT is((SELECT count(*) FILTER (WHERE period_kind = 'month') || ' ' || max(today) FROM sqm.stat_period WHERE org_id = :c),
          '39 2026-03-15', 'a month later: one month more, and today is the new day');
-- a calendar built again replaces the one before: reading two organisations
-- with different calendars in turn keeps the memory of one
SELECT count(*) FROM sqm.stat_periods(:a) pa, sqm.stat_periods(:b) pb \g /dev/null
SELECT total_bytes AS calendar_bytes FROM pg_backend_memory_contexts WHERE name = 'sqm statistics calendar' \gset
SELECT count(*) FROM generate_series(1, 200) i, LATERAL (SELECT count(*) FROM sqm.stat_periods(CASE WHEN i % 2 = 0 THEN :a ELSE :b END)) x \g /dev/null
SELECT cmp_ok((SELECT total_bytes FROM pg_backend_memory_contexts WHERE name = 'sqm statistics calendar'), '<=', :calendar_bytes * 2::bigint,
              'two hundred calendars built in turn take no more memory than a couple');

SELECT * FROM finish();
ROLLBACK;
