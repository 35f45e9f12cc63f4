-- The day a case counts on (domain.md §2: events are placed in a period by a
-- stated date, in the organisation's time zone).  Kept on the case row as a
-- date of class statistic, so that statistics read a range of days through
-- an index and never an exact time (the C trigger in src/core/days.c).

-- ---------------------------------------------------------------------------
-- The day a case counts on (src/core/days.c).  days maps each date column to
-- the timestamptz column(s) whose day, in the organisation's time zone, it
-- holds, e.g. '{"reported_on": ["reported_at"], "completed_on": ["completed_at", "closed_at"]}'
-- (the first moment that is not NULL).  The date columns are of class
-- statistic: statistics read them, never the moments, so that the report
-- reader needs no exact time.  The trigger days fills them in for every
-- writer and refuses a day that is not the day of its moment (23514).

CREATE FUNCTION sqm.local_days() RETURNS trigger
  AS 'MODULE_PATHNAME', 'sqm_local_days' LANGUAGE C;
COMMENT ON FUNCTION sqm.local_days() IS
  'Trigger (BEFORE INSERT OR UPDATE FOR EACH ROW; arguments: pairs of a date column and its timestamptz column(s), comma separated): the date columns hold the day of their moment in the organisation''s time zone, for every writer (23514 for a day that is not)';

CREATE FUNCTION sqm.time_zone_invalidate() RETURNS trigger
  AS 'MODULE_PATHNAME', 'sqm_time_zone_invalidate' LANGUAGE C;
COMMENT ON FUNCTION sqm.time_zone_invalidate() IS
  'Trigger on sqm.organisation: a changed time zone clears every backend''s cache of time zones (sqm.local_days)';
CREATE TRIGGER time_zone_invalidate AFTER UPDATE OF time_zone OR DELETE ON sqm.organisation
    FOR EACH STATEMENT EXECUTE FUNCTION sqm.time_zone_invalidate();
CREATE TRIGGER time_zone_invalidate_truncate AFTER TRUNCATE ON sqm.organisation
    FOR EACH STATEMENT EXECUTE FUNCTION sqm.time_zone_invalidate();

CREATE FUNCTION sqm.local_days_cache_stats(OUT loads bigint, OUT hits bigint)
  AS 'MODULE_PATHNAME', 'sqm_local_days_cache_stats' LANGUAGE C STRICT;
COMMENT ON FUNCTION sqm.local_days_cache_stats() IS
  'This backend''s cache of organisations'' time zones (sqm.local_days): loads and hits';

CREATE FUNCTION sqm.count_days(tbl regclass, days jsonb) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    d        record;
    m        text;
    args     text := '';
    bad      text;
BEGIN
    IF tbl IS NULL OR days IS NULL OR jsonb_typeof(days) <> 'object' OR days = '{}' THEN
        RAISE EXCEPTION 'sqm.count_days needs the table and its days as a jsonb object from date column to moments'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'E.g. ''{"reported_on": ["reported_at"]}''.';
    END IF;
    FOR d IN SELECT e.key, e.value FROM jsonb_each(days) e ORDER BY e.key LOOP
        IF NOT EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = tbl AND a.attname = d.key
                          AND a.atttypid = 'date'::regtype AND NOT a.attisdropped) THEN
            RAISE EXCEPTION 'table % has no date column "%"', tbl, d.key
                USING ERRCODE = 'undefined_column',
                      HINT = 'Declare the day column as date on the table.';
        END IF;
        IF NOT EXISTS (SELECT FROM sqm.column_class c WHERE c.table_name = tbl AND c.column_name = d.key
                          AND c.class = 'statistic') THEN
            RAISE EXCEPTION 'day column "%" of table % is not of class statistic', d.key, tbl
                USING ERRCODE = 'invalid_object_definition',
                      DETAIL = 'Statistics, and the report reader, read the day instead of the moment.',
                      HINT = 'Classify it as statistic in the table''s govern call.';
        END IF;
        IF jsonb_typeof(d.value) <> 'array' OR jsonb_array_length(d.value) = 0 THEN
            RAISE EXCEPTION 'day column "%" of table % needs the timestamptz columns it is the day of', d.key, tbl
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        SELECT string_agg(format('"%s"', x), ', ') INTO bad
          FROM jsonb_array_elements_text(d.value) x
         WHERE NOT EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = tbl AND a.attname = x
                              AND a.atttypid = 'timestamptz'::regtype AND NOT a.attisdropped);
        IF bad IS NOT NULL THEN
            RAISE EXCEPTION 'table % has no timestamptz column %', tbl, bad
                USING ERRCODE = 'undefined_column',
                      HINT = 'A day is the day of a moment (timestamptz) of the same row.';
        END IF;
        SELECT string_agg(x, ',') INTO m FROM jsonb_array_elements_text(d.value) x;
        args := args || CASE WHEN args = '' THEN '' ELSE ', ' END || format('%L, %L', d.key, m);
    END LOOP;
    EXECUTE format('CREATE TRIGGER days BEFORE INSERT OR UPDATE ON %s FOR EACH ROW EXECUTE FUNCTION sqm.local_days(%s)',
                   tbl, args);
END
$$;
COMMENT ON FUNCTION sqm.count_days(regclass, jsonb) IS
  'Install scripts: keep on a table''s rows the day each of its moments falls on in the organisation''s time zone (days: jsonb from date column, of class statistic, to its timestamptz columns, the first not NULL counting) — the trigger days (sqm.local_days)';
REVOKE ALL ON FUNCTION sqm.local_days(), sqm.time_zone_invalidate(), sqm.local_days_cache_stats(),
                       sqm.count_days(regclass, jsonb) FROM PUBLIC;

