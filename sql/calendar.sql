--
-- The Swedish working-day calendar and deadline arithmetic (domain.md §4)
--
\set SHOW_CONTEXT never
SET datestyle = 'ISO, YMD';
SET timezone = 'Europe/Stockholm';
SET search_path = public, sqm;

-- try(sql): run a statement and report its error as "SQLSTATE: message",
-- followed by the detail and hint, or "ok" if it succeeded.
CREATE FUNCTION pg_temp.try(sql text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  st text; msg text; det text; hnt text;
BEGIN
  EXECUTE sql;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                          det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
  RETURN st || ': ' || msg
         || coalesce(' / ' || nullif(det, ''), '')
         || coalesce(' / ' || nullif(hnt, ''), '');
END
$$;

-- ---------------------------------------------------------------- holidays

-- The movable days of 2020-2035, written down by hand from almanacs.
CREATE TEMP TABLE known (year int, easter_sunday date, midsummer_eve date, all_saints date);
INSERT INTO known VALUES
  (2020, '2020-04-12', '2020-06-19', '2020-10-31'),
  (2021, '2021-04-04', '2021-06-25', '2021-11-06'),
  (2022, '2022-04-17', '2022-06-24', '2022-11-05'),
  (2023, '2023-04-09', '2023-06-23', '2023-11-04'),
  (2024, '2024-03-31', '2024-06-21', '2024-11-02'),
  (2025, '2025-04-20', '2025-06-20', '2025-11-01'),
  (2026, '2026-04-05', '2026-06-19', '2026-10-31'),
  (2027, '2027-03-28', '2027-06-25', '2027-11-06'),
  (2028, '2028-04-16', '2028-06-23', '2028-11-04'),
  (2029, '2029-04-01', '2029-06-22', '2029-11-03'),
  (2030, '2030-04-21', '2030-06-21', '2030-11-02'),
  (2031, '2031-04-13', '2031-06-20', '2031-11-01'),
  (2032, '2032-03-28', '2032-06-25', '2032-11-06'),
  (2033, '2033-04-17', '2033-06-24', '2033-11-05'),
  (2034, '2034-04-09', '2034-06-23', '2034-11-04'),
  (2035, '2035-03-25', '2035-06-22', '2035-11-03');

CREATE TEMP VIEW computed AS
SELECT k.year,
       (SELECT day FROM sqm.swedish_holidays(k.year) WHERE name_sv = 'Påskdagen') AS easter_sunday,
       (SELECT day FROM sqm.swedish_holidays(k.year) WHERE name_sv = 'Midsommarafton') AS midsummer_eve,
       (SELECT day FROM sqm.swedish_holidays(k.year) WHERE name_sv = 'Alla helgons dag') AS all_saints
  FROM known k;

-- Mismatches between the function and the list: none.
SELECT count(*) AS mismatches
  FROM known k JOIN computed c USING (year)
 WHERE (k.easter_sunday, k.midsummer_eve, k.all_saints)
       IS DISTINCT FROM (c.easter_sunday, c.midsummer_eve, c.all_saints);

-- The list, as the function computes it.
SELECT year, easter_sunday, midsummer_eve, all_saints FROM computed ORDER BY year;

-- A whole year: every holiday in date order, eves marked de facto.
SELECT * FROM sqm.swedish_holidays(2025);

-- Easter 23 March 2008: Kristi himmelsfärdsdag fell on Första maj, and
-- Pingstdagen came before Sveriges nationaldag.  Both days are listed.
SELECT day, name_sv FROM sqm.swedish_holidays(2008) WHERE day BETWEEN '2008-05-01' AND '2008-06-06';

-- Rules that hold in every year of the calendar (1900-2200): 16 days in date
-- order, Easter on a Sunday between 22 March and 25 April, the fixed offsets
-- from Easter, the midsummer and All Saints' weekdays and windows.
SELECT count(*) AS years,
       count(*) FILTER (WHERE NOT ok) AS years_breaking_a_rule
  FROM (SELECT y,
               count(*) = 16
               AND bool_and(ordered)
               AND bool_and(CASE name_sv
                 WHEN 'Påskdagen' THEN extract(isodow FROM day) = 7
                                       AND day BETWEEN make_date(y, 3, 22) AND make_date(y, 4, 25)
                 WHEN 'Långfredagen' THEN day = easter - 2
                 WHEN 'Annandag påsk' THEN day = easter + 1
                 WHEN 'Kristi himmelsfärdsdag' THEN day = easter + 39 AND extract(isodow FROM day) = 4
                 WHEN 'Pingstdagen' THEN day = easter + 49
                 WHEN 'Midsommarafton' THEN extract(isodow FROM day) = 5
                                            AND day BETWEEN make_date(y, 6, 19) AND make_date(y, 6, 25) AND de_facto
                 WHEN 'Midsommardagen' THEN extract(isodow FROM day) = 6
                                            AND day BETWEEN make_date(y, 6, 20) AND make_date(y, 6, 26)
                 WHEN 'Alla helgons dag' THEN extract(isodow FROM day) = 6
                                              AND day BETWEEN make_date(y, 10, 31) AND make_date(y, 11, 6)
                 WHEN 'Julafton' THEN day = make_date(y, 12, 24) AND de_facto
                 WHEN 'Nyårsafton' THEN day = make_date(y, 12, 31) AND de_facto
                 ELSE extract(year FROM day) = y AND NOT de_facto END) AS ok
          FROM (SELECT y, h.*,
                       day >= lag(day, 1, make_date(y, 1, 1)) OVER (PARTITION BY y ORDER BY ord) AS ordered,
                       max(day) FILTER (WHERE name_sv = 'Påskdagen') OVER (PARTITION BY y) AS easter
                  FROM generate_series(1900, 2200) y,
                       sqm.swedish_holidays(y) WITH ORDINALITY h(day, name_sv, name_en, de_facto, ord)) s
         GROUP BY y) t;

-- ---------------------------------------------------------------- working days

SELECT day, to_char(day, 'Dy') AS dow,
       sqm.is_working_day(day) AS eves_closed,
       sqm.is_working_day(day, false) AS eves_open,
       sqm.is_working_day(day, true, '{2025-05-30,2025-12-29}') AS with_closed_days
  FROM (VALUES ('2025-04-17'::date), ('2025-04-18'), ('2025-04-21'), ('2025-04-22'),
               ('2025-05-29'), ('2025-05-30'), ('2025-06-06'), ('2025-06-20'),
               ('2025-06-21'), ('2025-12-24'), ('2025-12-27'), ('2025-12-29'),
               ('2025-12-31'), ('2026-01-01'), ('2026-01-02')) v(day);

-- Working days in a year (eves closed / open).
SELECT y, count(*) FILTER (WHERE sqm.is_working_day(d)) AS eves_closed,
          count(*) FILTER (WHERE sqm.is_working_day(d, false)) AS eves_open
  FROM generate_series(2024, 2026) y,
       generate_series(make_date(y, 1, 1), make_date(y, 12, 31), '1 day') g(t),
       LATERAL (SELECT t::date AS d) s
 GROUP BY y ORDER BY y;

SELECT what, start, n, eves_closed, closed_days,
       sqm.add_working_days(start, n, eves_closed, closed_days) AS due,
       to_char(sqm.add_working_days(start, n, eves_closed, closed_days), 'Dy') AS dow
  FROM (VALUES
    ('Maundy Thursday + 1 (Easter)',     '2025-04-17'::date, 1, true,  '{}'::date[]),
    ('Maundy Thursday + 0',              '2025-04-17', 0, true,  '{}'),
    ('Good Friday + 0: next working day', '2025-04-18', 0, true,  '{}'),
    ('Easter Saturday + 1',              '2025-04-19', 1, true,  '{}'),
    ('before Ascension + 1',             '2025-05-28', 1, true,  '{}'),
    ('before Ascension + 1, Friday closed', '2025-05-28', 1, true, '{2025-05-30}'),
    ('before National Day + 1',          '2025-06-05', 1, true,  '{}'),
    ('before Midsummer + 1',             '2025-06-19', 1, true,  '{}'),
    ('before Midsummer + 1, eves open',  '2025-06-19', 1, false, '{}'),
    ('before Midsummer + 1, 23 June closed', '2025-06-19', 1, true, '{2025-06-23}'),
    ('23 Dec + 1 (Christmas)',           '2025-12-23', 1, true,  '{}'),
    ('23 Dec + 1, eves open',            '2025-12-23', 1, false, '{}'),
    ('30 Dec + 1 (year end)',            '2025-12-30', 1, true,  '{}'),
    ('30 Dec + 1, eves open',            '2025-12-30', 1, false, '{}'),
    ('3 Jan + 10 (Epiphany)',            '2025-01-03', 10, true, '{}'),
    ('31 Dec 2024 + 249',                '2024-12-31', 249, true, '{}'),
    ('31 Dec 2024 + 250',                '2024-12-31', 250, true, '{}'),
    ('unsorted closed days, duplicates', '2025-06-19', 1, true, '{2025-06-24,2025-06-23,2025-06-23}')
  ) v(what, start, n, eves_closed, closed_days);

-- The defaults: eves closed, no closed days.
SELECT sqm.add_working_days('2025-12-23', 1) AS christmas,
       sqm.is_working_day('2025-12-24') AS christmas_eve;

-- ---------------------------------------------------------------- deadlines
-- Shown in Europe/Stockholm (the session's time zone); real_hours is the
-- absolute time between start and due.

SELECT what, start, length, unit,
       sqm.deadline_due(start, length, unit, 'Europe/Stockholm') AS due,
       extract(epoch FROM sqm.deadline_due(start, length, unit, 'Europe/Stockholm') - start) / 3600 AS real_hours
  FROM (VALUES
    ('72 hours across spring DST',   '2025-03-29 10:00 Europe/Stockholm'::timestamptz, 72, 'hours'),
    ('72 hours across autumn DST',   '2025-10-25 10:00 Europe/Stockholm', 72, 'hours'),
    ('0 hours',                      '2025-10-25 10:00 Europe/Stockholm', 0, 'hours'),
    ('3 days across spring DST',     '2025-03-29 10:00 Europe/Stockholm', 3, 'calendar_days'),
    ('3 days across autumn DST',     '2025-10-25 10:00 Europe/Stockholm', 3, 'calendar_days'),
    ('14 days',                      '2025-03-20 16:45 Europe/Stockholm', 14, 'calendar_days'),
    ('1 working day over Easter',    '2025-04-17 15:30 Europe/Stockholm', 1, 'working_days'),
    ('0 working days from Saturday', '2025-04-19 12:00 Europe/Stockholm', 0, 'working_days'),
    ('3 working days over Christmas', '2025-12-22 09:00 Europe/Stockholm', 3, 'working_days'),
    ('1 working day, late evening UTC', '2025-04-16 22:30 UTC', 1, 'working_days'),
    ('1 month from 31 January',      '2025-01-31 10:00 Europe/Stockholm', 1, 'months'),
    ('1 month from 31 January, leap', '2024-01-31 10:00 Europe/Stockholm', 1, 'months'),
    ('1 month across spring DST',    '2025-03-01 10:00 Europe/Stockholm', 1, 'months'),
    ('3 months from 31 March',       '2025-03-31 10:00 Europe/Stockholm', 3, 'months'),
    ('4 months from 31 October',     '2025-10-31 10:00 Europe/Stockholm', 4, 'months'),
    ('next quarter, from Q1',        '2025-02-10 10:00 Europe/Stockholm', 1, 'end_of_next_quarter'),
    ('next quarter, from Q4',        '2025-12-31 23:30 Europe/Stockholm', 1, 'end_of_next_quarter'),
    ('next quarter, local Q4 but UTC Q3', '2025-09-30 23:30 UTC', 1, 'end_of_next_quarter')
  ) v(what, start, length, unit);

-- Eves and closed days for working days; the time zone decides the local date.
SELECT sqm.deadline_due('2025-12-23 10:00 Europe/Stockholm', 1, 'working_days', 'Europe/Stockholm') AS eves_closed,
       sqm.deadline_due('2025-12-23 10:00 Europe/Stockholm', 1, 'working_days', 'Europe/Stockholm', false) AS eves_open,
       sqm.deadline_due('2025-12-23 10:00 Europe/Stockholm', 1, 'working_days', 'Europe/Stockholm', true, '{2025-12-29}') AS with_closed_day;
SELECT sqm.deadline_due('2025-09-30 23:30 UTC', 1, 'end_of_next_quarter', 'UTC') AT TIME ZONE 'UTC' AS in_utc,
       sqm.deadline_due('2025-09-30 23:30 UTC', 1, 'end_of_next_quarter', 'Europe/Stockholm') AT TIME ZONE 'Europe/Stockholm' AS in_stockholm;

-- Strict: a null argument gives null.
SELECT sqm.deadline_due(NULL, 1, 'hours', 'Europe/Stockholm') IS NULL AS null_start,
       sqm.add_working_days('2025-01-01', NULL) IS NULL AS null_n,
       sqm.is_working_day(NULL) IS NULL AS null_day,
       (SELECT count(*) FROM sqm.swedish_holidays(NULL)) AS null_year_rows;

-- ---------------------------------------------------------------- errors

SELECT stmt, pg_temp.try(stmt) AS result
  FROM (VALUES
    ('SELECT * FROM sqm.swedish_holidays(1899)'),
    ('SELECT * FROM sqm.swedish_holidays(2201)'),
    ('SELECT * FROM sqm.swedish_holidays(1900)'),
    ('SELECT * FROM sqm.swedish_holidays(2200)'),
    ($$SELECT sqm.is_working_day('1899-12-31')$$),
    ($$SELECT sqm.is_working_day('2201-01-01')$$),
    ($$SELECT sqm.is_working_day('infinity')$$),
    ($$SELECT sqm.is_working_day('2025-01-02', true, '{2025-01-03,NULL}')$$),
    ($$SELECT sqm.add_working_days('2025-01-02', -1)$$),
    ($$SELECT sqm.add_working_days('2200-12-30', 1)$$),
    ($$SELECT sqm.add_working_days('2200-12-30', 2)$$),
    ($$SELECT sqm.add_working_days('1899-12-29', 1)$$),
    ($$SELECT sqm.add_working_days('2025-01-02', 1, true, '{NULL}')$$),
    ($$SELECT sqm.deadline_due('2025-01-02 10:00+01', 1, 'weeks', 'Europe/Stockholm')$$),
    ($$SELECT sqm.deadline_due('2025-01-02 10:00+01', 1, 'Hours', 'Europe/Stockholm')$$),
    ($$SELECT sqm.deadline_due('2025-01-02 10:00+01', -1, 'hours', 'Europe/Stockholm')$$),
    ($$SELECT sqm.deadline_due('2025-01-02 10:00+01', -1, 'working_days', 'Europe/Stockholm')$$),
    ($$SELECT sqm.deadline_due('2025-01-02 10:00+01', 2, 'end_of_next_quarter', 'Europe/Stockholm')$$),
    ($$SELECT sqm.deadline_due('2025-01-02 10:00+01', 0, 'end_of_next_quarter', 'Europe/Stockholm')$$),
    ($$SELECT sqm.deadline_due('2025-01-02 10:00+01', 72, 'hours', 'Europe/Stokholm')$$),
    ($$SELECT sqm.deadline_due('2025-01-02 10:00+01', 3, 'calendar_days', 'Mars/Olympus_Mons')$$),
    ($$SELECT sqm.deadline_due('infinity', 72, 'hours', 'Europe/Stockholm')$$),
    ($$SELECT sqm.deadline_due('-infinity', 1, 'months', 'Europe/Stockholm')$$),
    ($$SELECT sqm.deadline_due('294276-12-31 00:00 UTC', 1000, 'hours', 'UTC')$$),
    ($$SELECT sqm.deadline_due('294276-12-01 00:00 UTC', 2, 'months', 'UTC')$$),
    ($$SELECT sqm.deadline_due('2200-12-30 10:00 UTC', 2, 'working_days', 'UTC')$$),
    ($$SELECT sqm.deadline_due('2025-01-02 10:00+01', 1, 'working_days', 'Europe/Stockholm', true, '{NULL}')$$)
  ) v(stmt);

-- ---------------------------------------------------------------- labels

SELECT p.oid::regprocedure AS function, p.provolatile AS volatility, p.proparallel AS parallel,
       p.proisstrict AS strict, p.proretset AS returns_set, p.prosecdef AS security_definer,
       obj_description(p.oid, 'pg_proc') IS NOT NULL AS commented
  FROM pg_proc p
 WHERE p.pronamespace = 'sqm'::regnamespace
   AND p.proname IN ('swedish_holidays', 'is_working_day', 'add_working_days', 'deadline_due')
 ORDER BY p.proname;
