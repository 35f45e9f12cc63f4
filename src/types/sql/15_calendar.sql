-- The Swedish working-day calendar and deadline arithmetic (domain.md §4).
-- Pure functions in C (src/calendar.c): the public holidays and de-facto eves
-- of a year, working days, and the moment a deadline falls due in a time zone.
-- Everyone may execute them (the default PUBLIC EXECUTE): they read no table.

CREATE FUNCTION sqm.swedish_holidays(year pg_catalog.int4)
  RETURNS TABLE (day pg_catalog.date, name_sv pg_catalog.text,
                 name_en pg_catalog.text, de_facto pg_catalog.bool)
  AS 'MODULE_PATHNAME', 'sqm_swedish_holidays'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 16;
COMMENT ON FUNCTION sqm.swedish_holidays(pg_catalog.int4) IS
  'Swedish public holidays of the year (1900-2200) in date order, with the de-facto eves (Midsommarafton, Julafton, Nyårsafton) marked de_facto; the calendar in force since 2005';

CREATE FUNCTION sqm.is_working_day(day pg_catalog.date,
                                   eves_closed pg_catalog.bool DEFAULT true,
                                   closed_days pg_catalog.date[] DEFAULT '{}')
  RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'sqm_is_working_day'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.is_working_day(pg_catalog.date, pg_catalog.bool, pg_catalog.date[]) IS
  'whether the day is a working day: not Saturday or Sunday, not a Swedish public holiday, not a de-facto eve when eves_closed, not one of the organisation''s closed_days';

CREATE FUNCTION sqm.add_working_days(start pg_catalog.date, n pg_catalog.int4,
                                     eves_closed pg_catalog.bool DEFAULT true,
                                     closed_days pg_catalog.date[] DEFAULT '{}')
  RETURNS pg_catalog.date
  AS 'MODULE_PATHNAME', 'sqm_add_working_days'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.add_working_days(pg_catalog.date, pg_catalog.int4, pg_catalog.bool, pg_catalog.date[]) IS
  'the n-th working day after start (n >= 0); for n = 0 start itself if it is a working day, else the next working day; working days as sqm.is_working_day';

-- Immutable like pg_catalog.timezone(text, timestamptz), which it uses.
CREATE FUNCTION sqm.deadline_due(start pg_catalog.timestamptz, length pg_catalog.int4,
                                 unit pg_catalog.text, time_zone pg_catalog.text,
                                 eves_closed pg_catalog.bool DEFAULT true,
                                 closed_days pg_catalog.date[] DEFAULT '{}')
  RETURNS pg_catalog.timestamptz
  AS 'MODULE_PATHNAME', 'sqm_deadline_due'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.deadline_due(pg_catalog.timestamptz, pg_catalog.int4, pg_catalog.text, pg_catalog.text, pg_catalog.bool, pg_catalog.date[]) IS
  'moment a deadline falls due, measured in the time zone (e.g. Europe/Stockholm): hours = real elapsed hours; calendar_days and months = same local time later (months with end-of-month rules); working_days = 24:00 local of the length-th working day after the local start date; end_of_next_quarter (length 1) = 24:00 local at the end of the following quarter';
