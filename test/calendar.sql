-- The Swedish working-day calendar and deadline arithmetic (domain.md §4):
-- holidays, working days with eves and closed days, and deadlines across
-- Easter, Christmas, year end and both daylight-saving changes.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(42);

-- ---------------------------------------------------------------- holidays
SELECT is((SELECT count(*) FROM sqm.swedish_holidays(2025)), 16::bigint,
          'a year has 16 holidays and eves');
SELECT is((SELECT day FROM sqm.swedish_holidays(2024) WHERE name_sv = 'Påskdagen'), '2024-03-31'::date,
          'Easter Sunday 2024 is 31 March');
SELECT is((SELECT day FROM sqm.swedish_holidays(2025) WHERE name_sv = 'Påskdagen'), '2025-04-20'::date,
          'Easter Sunday 2025 is 20 April');
SELECT is((SELECT day FROM sqm.swedish_holidays(2026) WHERE name_sv = 'Påskdagen'), '2026-04-05'::date,
          'Easter Sunday 2026 is 5 April');
SELECT is((SELECT day FROM sqm.swedish_holidays(2027) WHERE name_sv = 'Påskdagen'), '2027-03-28'::date,
          'Easter Sunday 2027 is 28 March');
SELECT is((SELECT day FROM sqm.swedish_holidays(2030) WHERE name_sv = 'Påskdagen'), '2030-04-21'::date,
          'Easter Sunday 2030 is 21 April');
SELECT is((SELECT day FROM sqm.swedish_holidays(2035) WHERE name_sv = 'Påskdagen'), '2035-03-25'::date,
          'Easter Sunday 2035 is 25 March');
SELECT is((SELECT day FROM sqm.swedish_holidays(2025) WHERE name_sv = 'Midsommarafton'), '2025-06-20'::date,
          'Midsummer Eve 2025 is 20 June');
SELECT is((SELECT day FROM sqm.swedish_holidays(2026) WHERE name_sv = 'Midsommarafton'), '2026-06-19'::date,
          'Midsummer Eve 2026 is 19 June');
SELECT is((SELECT day FROM sqm.swedish_holidays(2025) WHERE name_sv = 'Alla helgons dag'), '2025-11-01'::date,
          'All Saints'' Day 2025 is 1 November');
SELECT is((SELECT day FROM sqm.swedish_holidays(2026) WHERE name_sv = 'Alla helgons dag'), '2026-10-31'::date,
          'All Saints'' Day 2026 is 31 October');
SELECT is((SELECT day FROM sqm.swedish_holidays(2025) WHERE name_sv = 'Kristi himmelsfärdsdag'), '2025-05-29'::date,
          'Ascension Day 2025 is Easter + 39');
SELECT is((SELECT array_agg(name_sv ORDER BY day) FROM sqm.swedish_holidays(2025) WHERE de_facto),
          ARRAY['Midsommarafton', 'Julafton', 'Nyårsafton'],
          'the de-facto eves are Midsommarafton, Julafton and Nyårsafton');
SELECT throws_ok('SELECT * FROM sqm.swedish_holidays(1899)', '22023',
                 'year 1899 is outside the holiday calendar', 'years before 1900 are refused');
SELECT throws_ok('SELECT * FROM sqm.swedish_holidays(2201)', '22023',
                 'year 2201 is outside the holiday calendar', 'years after 2200 are refused');

-- ---------------------------------------------------------------- working days
SELECT ok(sqm.is_working_day('2025-04-17'), 'Maundy Thursday is a working day');
SELECT ok(NOT sqm.is_working_day('2025-04-18'), 'Good Friday is not a working day');
SELECT ok(NOT sqm.is_working_day('2025-04-26'), 'a Saturday is not a working day');
SELECT ok(NOT sqm.is_working_day('2025-12-24'), 'Christmas Eve is closed by default');
SELECT ok(sqm.is_working_day('2025-12-24', false), 'Christmas Eve is a working day when eves are open');
SELECT ok(NOT sqm.is_working_day('2025-12-25', false), 'Christmas Day is closed even when eves are open');
SELECT ok(NOT sqm.is_working_day('2025-06-20'), 'Midsummer Eve is closed by default');
SELECT ok(NOT sqm.is_working_day('2025-05-30', true, '{2025-05-30}'), 'an organisation''s closed day is not a working day');
SELECT ok(sqm.is_working_day('2025-05-30', true, '{2025-05-29}'), 'other days stay working days');

SELECT is(sqm.add_working_days('2025-04-17', 1), '2025-04-22'::date, 'Maundy Thursday + 1 working day is the Tuesday after Easter');
SELECT is(sqm.add_working_days('2025-04-18', 0), '2025-04-22'::date, '0 working days from a holiday is the next working day');
SELECT is(sqm.add_working_days('2025-04-17', 0), '2025-04-17'::date, '0 working days from a working day is that day');
SELECT is(sqm.add_working_days('2025-12-23', 1), '2025-12-29'::date, '23 Dec + 1 working day skips Christmas');
SELECT is(sqm.add_working_days('2025-12-23', 1, false), '2025-12-24'::date, 'with eves open, 23 Dec + 1 is Christmas Eve');
SELECT is(sqm.add_working_days('2025-12-30', 1), '2026-01-02'::date, '30 Dec + 1 working day crosses the year end');
SELECT is(sqm.add_working_days('2025-06-19', 1, true, '{2025-06-23}'), '2025-06-24'::date,
          'Midsummer and a closed day are both skipped');
SELECT throws_ok($$SELECT sqm.add_working_days('2025-01-02', -1)$$, '22023',
                 'number of working days must not be negative', 'a negative number of working days is refused');

-- ---------------------------------------------------------------- deadlines
SELECT is(sqm.deadline_due('2025-03-29 10:00 Europe/Stockholm', 72, 'hours', 'Europe/Stockholm'),
          '2025-04-01 11:00 Europe/Stockholm'::timestamptz, '72 hours across the spring DST change are 72 real hours');
SELECT is(sqm.deadline_due('2025-10-25 10:00 Europe/Stockholm', 72, 'hours', 'Europe/Stockholm'),
          '2025-10-28 09:00 Europe/Stockholm'::timestamptz, '72 hours across the autumn DST change are 72 real hours');
SELECT is(sqm.deadline_due('2025-03-29 10:00 Europe/Stockholm', 3, 'calendar_days', 'Europe/Stockholm'),
          '2025-04-01 10:00 Europe/Stockholm'::timestamptz, 'calendar days keep the local time across DST');
SELECT is(sqm.deadline_due('2025-04-17 15:30 Europe/Stockholm', 1, 'working_days', 'Europe/Stockholm'),
          '2025-04-23 00:00 Europe/Stockholm'::timestamptz, 'a working-day deadline ends at 24:00 local');
SELECT is(sqm.deadline_due('2025-01-31 10:00 Europe/Stockholm', 1, 'months', 'Europe/Stockholm'),
          '2025-02-28 10:00 Europe/Stockholm'::timestamptz, '31 January + 1 month is 28 February');
SELECT is(sqm.deadline_due('2025-02-10 10:00 Europe/Stockholm', 1, 'end_of_next_quarter', 'Europe/Stockholm'),
          '2025-07-01 00:00 Europe/Stockholm'::timestamptz, 'end of next quarter from Q1 is 24:00 on 30 June');
SELECT throws_ok($$SELECT sqm.deadline_due(now(), 1, 'weeks', 'Europe/Stockholm')$$, '22023',
                 'unknown deadline unit "weeks"', 'an unknown unit is refused');
SELECT throws_ok($$SELECT sqm.deadline_due(now(), 72, 'hours', 'Europe/Stokholm')$$, '22023',
                 NULL, 'an unknown time zone is refused');
-- A zone name is resolved once per backend (calendar.c deadline_zone); other
-- names go through PostgreSQL's functions.  Poland is a link to Europe/Warsaw
-- without a '/', so it takes the other path: every unit agrees, every 97
-- minutes over three years of DST changes.
SELECT is((SELECT count(*) FROM generate_series('2019-01-01 00:00+00'::timestamptz, '2021-12-31', '97 minutes') t,
                (VALUES ('hours', 3), ('calendar_days', 3), ('working_days', 3), ('months', 3), ('end_of_next_quarter', 1)) v(u, l)
          WHERE sqm.deadline_due(t, l, u, 'Europe/Warsaw') IS DISTINCT FROM sqm.deadline_due(t, l, u, 'Poland')),
          0::bigint, 'a zone resolved once gives the due times PostgreSQL''s zone functions give');
SELECT is(sqm.deadline_due('2025-03-29 10:00 Europe/Stockholm', 1, 'calendar_days', 'CET'),
          '2025-03-30 10:00+01'::timestamptz, 'an abbreviation (CET: a fixed offset) is PostgreSQL''s, not a zone');

SELECT * FROM finish();
ROLLBACK;
