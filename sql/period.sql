--
-- sqm.period: reporting periods (calendar year, quality year, quarter, month)
--
\set SHOW_CONTEXT never
SET datestyle = 'ISO, YMD';
SET timezone = 'UTC';
-- The operators live in schema sqm, as the functions do.
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

-- Every accepted text form and its canonical output.
SELECT to_json(input) AS input, input::sqm.period AS period, sqm.period_kind(input::sqm.period) AS kind
  FROM (VALUES ('2025'), ('1000'), ('9999'), ('  2025  '), (E'\t2025\n'), ('02025'),
               ('2023/24@9'), ('2023/2024@9'), ('2023/24@09'), ('2023/2024@09'),
               ('2099/00@9'), ('2099/2100@9'), ('9999/00@12'), ('2023/24@2'),
               (' 2023/24@12 '),
               ('2025Q3'), ('2025q3'), ('2025-Q3'), ('2025-q1'), ('2025Q4'), ('2025Q03'),
               ('2025-03'), ('2025-3'), ('2025-12'), (' 2025-1 ')) v(input);

-- Text round trip: the canonical text reads back as the same period.
SELECT p, p::text::sqm.period = p AS round_trip, p::text = p::text::sqm.period::text AS same_text
  FROM (VALUES ('2025'::sqm.period), ('2023/24@9'), ('2099/00@9'), ('2025Q3'),
               ('2025-03'), ('1000-01'), ('9999Q4')) v(p);

-- Equal forms are equal, and hash alike.
SELECT '2025q3'::sqm.period = '2025Q3' AS q3,
       '2025-Q3'::sqm.period = '2025Q3' AS dash_q3,
       '2025-3'::sqm.period = '2025-03' AS march,
       '2023/2024@09'::sqm.period = '2023/24@9' AS quality_year,
       sqm.period_hash('2025q3') = sqm.period_hash('2025Q3') AS same_hash,
       sqm.period_hash_extended('2023/2024@09', 42) = sqm.period_hash_extended('2023/24@9', 42) AS same_hash_extended;

-- Periods that cover different days differ, whatever their year.
SELECT '2025'::sqm.period = '2025Q1' AS year_is_q1,
       '2025Q1'::sqm.period = '2025-01' AS q1_is_january,
       '2023/24@9'::sqm.period = '2023/24@10' AS different_start,
       '2023/24@9'::sqm.period <> '2024/25@9' AS next_year_differs;

-- Order: by first day, then by last day descending (the longer period first).
CREATE TEMP TABLE periods (p sqm.period);
INSERT INTO periods VALUES
  ('2025-02'), ('2024/25@9'), ('2025Q1'), ('2024-12'), ('2025'), ('2024Q4'),
  ('2025-01'), ('2024'), ('2024/25@10'), ('2024-09'), ('2024Q3'), ('2023/24@9'),
  ('2025Q2'), ('2024-10'), ('2025-04'), ('2025/26@4'), ('2024-08');
SELECT p, sqm.first_day(p), sqm.last_day(p),
       row_number() OVER (ORDER BY p) AS rank
  FROM periods ORDER BY p;
SELECT p FROM periods ORDER BY p DESC LIMIT 5;

-- The comparison operators and period_cmp agree.
SELECT a, b, sqm.period_cmp(a, b) AS cmp, a < b AS lt, a <= b AS le, a = b AS eq,
       a <> b AS ne, a >= b AS ge, a > b AS gt
  FROM (VALUES ('2025'::sqm.period, '2025Q1'::sqm.period), ('2025Q1', '2025-01'),
               ('2025-01', '2025'), ('2024/25@9', '2024-09'), ('2024-08', '2024/25@9'),
               ('2025Q3', '2025q3'), ('2024/25@9', '2024/25@10')) v(a, b);

-- Ordering is a total order consistent with equality: over all pairs of a
-- mixed set, exactly one of <, =, > holds, = matches cmp 0, and cmp is antisymmetric.
CREATE TEMP TABLE mixed AS
  SELECT sqm.period_of(k, d::date, sm) AS p
    FROM (VALUES ('year'), ('quality_year'), ('quarter'), ('month')) k(k),
         generate_series(date '2023-01-01', date '2026-12-01', interval '1 month') d,
         (VALUES (1), (2), (7), (9), (12)) sm(sm)
  GROUP BY 1;
SELECT count(*) AS periods FROM mixed;
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE (a < b)::int + (a = b)::int + (a > b)::int <> 1) AS not_exactly_one,
       count(*) FILTER (WHERE (a = b) <> (sqm.period_cmp(a, b) = 0)) AS eq_not_cmp,
       count(*) FILTER (WHERE sqm.period_cmp(a, b) <> -sqm.period_cmp(b, a)) AS not_antisymmetric,
       count(*) FILTER (WHERE (a = b) <> (sqm.first_day(a) = sqm.first_day(b) AND sqm.last_day(a) = sqm.last_day(b))) AS eq_not_same_days,
       count(*) FILTER (WHERE (a < b) <> (sqm.first_day(a) < sqm.first_day(b) OR
                                         (sqm.first_day(a) = sqm.first_day(b) AND sqm.last_day(a) > sqm.last_day(b)))) AS lt_not_by_days,
       count(*) FILTER (WHERE (a = b) AND sqm.period_hash(a) <> sqm.period_hash(b)) AS eq_hash_differs
  FROM mixed x(a), mixed y(b);
-- hash_extended with seed 0 agrees with hash in its low 32 bits, as hash
-- opclasses require; different seeds give different hashes.
SELECT count(*) FILTER (WHERE (sqm.period_hash_extended(p, 0) & 4294967295) <> (sqm.period_hash(p)::bigint & 4294967295)) AS seed0_mismatch,
       count(*) FILTER (WHERE sqm.period_hash_extended(p, 0) = sqm.period_hash_extended(p, 1)) AS seed_ignored,
       count(DISTINCT sqm.period_hash(p)) AS distinct_hashes
  FROM mixed;
-- PostgreSQL's own checks of the operator classes.
SELECT opcname, amname, amvalidate(c.oid)
  FROM pg_opclass c JOIN pg_am a ON a.oid = c.opcmethod
 WHERE opcnamespace = 'sqm'::regnamespace AND opcname = 'period_ops'
 ORDER BY amname;

-- A btree index is used and returns rows in period order.
CREATE TEMP TABLE events (id int, period sqm.period);
INSERT INTO events SELECT i, sqm.period_of('month', date '2000-01-01' + i) FROM generate_series(0, 9999) i;
CREATE INDEX events_period ON events USING btree (period);
ANALYZE events;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM events WHERE period = '2010-06';
SELECT count(*) FROM events WHERE period = '2010-06';
EXPLAIN (COSTS OFF) SELECT DISTINCT period FROM events WHERE period >= '2027-03' ORDER BY period;
SELECT DISTINCT period FROM events WHERE period >= '2027-03' ORDER BY period;
RESET enable_seqscan;
RESET enable_bitmapscan;

-- Hash: a hash index, hash aggregation and a hash join.
CREATE INDEX events_period_hash ON events USING hash (period);
SET enable_seqscan = off;
SET enable_indexscan = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM events WHERE period = '2001-02';
SELECT count(*) FROM events WHERE period = '2001-02';
RESET enable_seqscan;
RESET enable_indexscan;
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT period, count(*) FROM events GROUP BY period;
SELECT count(*) AS months FROM (SELECT period, count(*) FROM events GROUP BY period) s;
RESET enable_sort;
SET enable_mergejoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM events e JOIN periods p ON p.p = e.period;
SELECT count(*) FROM events e JOIN periods p ON p.p = e.period;
RESET enable_mergejoin;
SET enable_hashjoin = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM events e JOIN periods p ON p.p = e.period;
SELECT count(*) FROM events e JOIN periods p ON p.p = e.period;
RESET enable_hashjoin;
RESET enable_nestloop;

-- First and last day of each kind; leap February; quality years over the year end.
SELECT p, sqm.period_kind(p) AS kind, sqm.start_month(p) AS start_month,
       sqm.first_day(p), sqm.last_day(p), sqm.to_daterange(p), p::daterange AS cast
  FROM (VALUES ('2025'::sqm.period), ('2024'), ('2023/24@9'), ('2024/25@2'), ('2024/25@12'),
               ('9999/00@12'), ('2025Q1'), ('2025Q2'), ('2025Q3'), ('2025Q4'),
               ('2024-02'), ('2025-02'), ('1900-02'), ('2000-02'), ('2025-12'),
               ('1000-01')) v(p);

-- The range matches first and last day, and contains exactly the period's days.
SELECT count(*) FILTER (WHERE sqm.to_daterange(p) <> daterange(sqm.first_day(p), sqm.last_day(p), '[]')) AS range_mismatch,
       count(*) FILTER (WHERE p::daterange <> sqm.to_daterange(p)) AS cast_mismatch
  FROM mixed;

-- prev and next, across year boundaries; a quality year keeps its start month.
SELECT p, sqm.prev(p), sqm.next(p)
  FROM (VALUES ('2025'::sqm.period), ('2023/24@9'), ('2099/00@9'), ('2025Q1'),
               ('2025Q4'), ('2025Q2'), ('2025-01'), ('2025-12'), ('2025-06')) v(p);
SELECT sqm.next(sqm.prev(p)) = p AND sqm.prev(sqm.next(p)) = p AS inverse, count(*)
  FROM mixed GROUP BY 1;
SELECT pg_temp.try($$SELECT sqm.next('9999')$$);
SELECT pg_temp.try($$SELECT sqm.prev('1000')$$);
SELECT pg_temp.try($$SELECT sqm.next('9999/00@9')$$);
SELECT pg_temp.try($$SELECT sqm.prev('1000Q1')$$);
SELECT pg_temp.try($$SELECT sqm.next('9999-12')$$);
SELECT sqm.prev('9999-12'), sqm.next('1000-01'), sqm.next('9999-11');

-- Containment at the boundaries of years, quarters and quality years.
SELECT p, d, p @> d AS contains, d <@ p AS contained_by, sqm.contains(p, d) AS fn,
       sqm.to_daterange(p) @> d AS range_contains
  FROM (VALUES ('2024'::sqm.period, date '2024-12-31'), ('2024', '2025-01-01'),
               ('2025', '2024-12-31'), ('2025', '2025-01-01'),
               ('2025Q1', '2025-03-31'), ('2025Q1', '2025-04-01'),
               ('2025Q2', '2025-03-31'), ('2025Q2', '2025-04-01'),
               ('2025Q3', '2025-09-30'), ('2025Q3', '2025-10-01'),
               ('2025Q4', '2025-09-30'), ('2025Q4', '2025-10-01'),
               ('2024-02', '2024-02-29'), ('2024-02', '2024-03-01'),
               ('2023/24@9', '2023-08-31'), ('2023/24@9', '2023-09-01'),
               ('2023/24@9', '2023-12-31'), ('2023/24@9', '2024-01-01'),
               ('2023/24@9', '2024-08-31'), ('2023/24@9', '2024-09-01'),
               ('2025', 'infinity'), ('2025', '-infinity')) v(p, d);

-- Containment agrees with the daterange over every day of 2023-2026.
SELECT count(*) AS checks,
       count(*) FILTER (WHERE (p @> d) <> (sqm.to_daterange(p) @> d)) AS disagree
  FROM mixed, generate_series(date '2022-12-25', date '2027-01-05', interval '1 day') g(g),
       LATERAL (SELECT g::date) x(d);

-- Timestamps are placed by their local date in the named time zone.
-- Stockholm: CET (+01) in winter, CEST (+02) from 2025-03-30 01:00 UTC to 2025-10-26 01:00 UTC.
SELECT ts, ts AT TIME ZONE 'Europe/Stockholm' AS stockholm,
       sqm.period_of('month', ts, 'Europe/Stockholm') AS month_stockholm,
       sqm.period_of('month', ts, 'UTC') AS month_utc,
       sqm.contains('2025Q1', ts, 'Europe/Stockholm') AS in_q1_stockholm,
       sqm.contains('2025Q1', ts, 'UTC') AS in_q1_utc
  FROM (VALUES (timestamptz '2025-03-30 00:30+00'), ('2025-03-30 01:30+00'),
               ('2025-03-31 21:59+00'), ('2025-03-31 22:00+00'),
               ('2025-03-31 23:30+00')) v(ts);
SELECT ts, ts AT TIME ZONE 'Europe/Stockholm' AS stockholm,
       sqm.period_of('quarter', ts, 'Europe/Stockholm') AS quarter_stockholm,
       sqm.period_of('month', ts, 'Europe/Stockholm') AS month_stockholm,
       sqm.contains('2025-10', ts, 'Europe/Stockholm') AS in_october
  FROM (VALUES (timestamptz '2025-09-30 21:59+00'), ('2025-09-30 22:00+00'),
               ('2025-10-26 00:30+00'), ('2025-10-26 01:30+00'),
               ('2025-10-31 22:59+00'), ('2025-10-31 23:00+00')) v(ts);
-- The year end: 23:30 UTC on New Year's Eve is already 2025 in Stockholm.
SELECT sqm.contains('2025', timestamptz '2024-12-31 23:30+00', 'Europe/Stockholm') AS in_2025_stockholm,
       sqm.contains('2024', timestamptz '2024-12-31 23:30+00', 'Europe/Stockholm') AS in_2024_stockholm,
       sqm.contains('2024', timestamptz '2024-12-31 23:30+00', 'UTC') AS in_2024_utc,
       sqm.contains('2025', timestamptz '2024-12-31 23:30+00', 'UTC') AS in_2025_utc,
       sqm.contains('2024/25@9', timestamptz '2025-08-31 22:30+00', 'Europe/Stockholm') AS in_2024_25_stockholm,
       sqm.contains('2024/25@9', timestamptz '2025-08-31 22:30+00', 'UTC') AS in_2024_25_utc;
-- The session time zone does not matter.
SET timezone = 'America/New_York';
SELECT sqm.period_of('year', timestamptz '2024-12-31 23:30+00', 'Europe/Stockholm') AS stockholm,
       sqm.period_of('year', timestamptz '2024-12-31 23:30+00', 'UTC') AS utc;
SET timezone = 'UTC';
SELECT sqm.contains('2025', timestamptz 'infinity', 'UTC') AS infinity,
       sqm.contains('2025', timestamptz '-infinity', 'Europe/Stockholm') AS minus_infinity;

-- period_of for each kind; quality year with start month 1 is the calendar year.
SELECT d, sqm.period_of('year', d) AS year, sqm.period_of('quality_year', d, 9) AS qy9,
       sqm.period_of('quality_year', d, 2) AS qy2, sqm.period_of('quality_year', d) AS qy1,
       sqm.period_of('quarter', d) AS quarter, sqm.period_of('month', d) AS month
  FROM (VALUES (date '2024-01-01'), ('2024-01-31'), ('2024-02-29'), ('2024-03-31'),
               ('2024-08-31'), ('2024-09-01'), ('2024-12-31'), ('1000-09-01'),
               ('10000-08-31')) v(d)
 WHERE d < '10000-01-01';
SELECT sqm.period_of('quality_year', date '10000-08-31', 9) AS last_quality_year,
       sqm.period_of('quarter', date '2025-05-05', 12) AS start_month_ignored;
-- Every date lies in the period period_of gives it.
SELECT count(*) AS checks,
       count(*) FILTER (WHERE NOT sqm.period_of(k, d, sm) @> d) AS not_contained
  FROM (VALUES ('year'), ('quality_year'), ('quarter'), ('month')) k(k),
       generate_series(1, 12) sm,
       generate_series(date '2023-01-01', date '2025-12-31', interval '1 day') g(g),
       LATERAL (SELECT g::date) x(d);
-- The two forms of period_of resolve as intended from literal arguments.
SELECT sqm.period_of('month', '2025-03-31') AS from_date,
       sqm.period_of('month', '2025-03-31 23:30+00', 'Europe/Stockholm') AS from_timestamptz,
       sqm.period_of('quality_year', '2025-03-31', 4) AS from_date_start_month;

-- Binary format: version 1, kind, int16 year, sub-field.
SELECT p, sqm.period_send(p)
  FROM (VALUES ('2025'::sqm.period), ('2023/24@9'), ('2025Q3'), ('2025-03'),
               ('1000-01'), ('9999/00@12')) v(p);
-- Binary COPY round trip through a server-side file.
SELECT '/tmp/sqm-period-regress-' || pg_backend_pid() || '.bin' AS binfile \gset
CREATE TEMP TABLE bin_out AS SELECT p FROM periods;
COPY bin_out TO :'binfile' (FORMAT binary);
CREATE TEMP TABLE bin_in (p sqm.period);
COPY bin_in FROM :'binfile' (FORMAT binary);
SELECT (SELECT array_agg(p ORDER BY p) FROM bin_in) = (SELECT array_agg(p ORDER BY p) FROM bin_out) AS same,
       (SELECT count(*) FROM bin_in) AS rows;
-- Bad binary values: a binary COPY of a bytea column carries its bytes
-- unchanged, so it can feed crafted values to period_recv.
CREATE TEMP TABLE raw (b bytea);
CREATE FUNCTION pg_temp.recv(bytes bytea, file text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE raw;
  INSERT INTO raw VALUES (bytes);
  EXECUTE format('COPY raw TO %L (FORMAT binary)', file);
  TRUNCATE bin_in;
  RETURN pg_temp.try(format('COPY bin_in FROM %L (FORMAT binary)', file))
         || coalesce(' -> ' || (SELECT p::text FROM bin_in), '');
END
$$;
SELECT bytes, pg_temp.recv(bytes, :'binfile')
  FROM (VALUES ('\x010107e900'::bytea), ('\x010207e709'), ('\x020107e900'), ('\x000107e900'),
               ('\x010007e900'), ('\x010507e900'), ('\x010107e901'), ('\x010303e701'),
               ('\x0103271003'), ('\x0103ffff03'), ('\x010307e905'), ('\x010407e90d'),
               ('\x010207e701'), ('\x010207e70d'), ('\x010107e9'), ('\x01'), ('\x010107e90000')) v(bytes);
SELECT 'rm -f ' || :'binfile' AS rm_binfile \gset
COPY (SELECT) TO PROGRAM :'rm_binfile';

-- Errors, with their SQLSTATE, detail and hint.
SELECT to_json(input) AS input, pg_temp.try(format('SELECT %L::sqm.period', input)) AS result
  FROM (VALUES (''), ('   '), ('garbage'), ('2025 Q3'), ('+2025'), ('-2025'), ('2025.5'),
               ('2023/24'), ('2023/24 '), ('2023/24@'), ('2023@9'), ('2023/@9'),
               ('2023/25@9'), ('2023/2025@9'), ('2023/024@9'), ('2099/2000@9'),
               ('2023/24@1'), ('2023/24@0'), ('2023/24@13'), ('2023/24@-9'),
               ('2025Q0'), ('2025Q5'), ('2025Q'), ('2025Q3x'), ('2025QQ3'),
               ('2025-00'), ('2025-13'), ('2025-'), ('2025-03-01'), ('2025-03x'),
               ('999'), ('0999'), ('10000'), ('999Q1'), ('10000-01'), ('999/00@9'),
               ('123456789012345678901234567890'), ('2025Q123456789012345678901234567890'),
               ('2023/24@99999999999999999999'), (E'2025\u00a0')) v(input);
SELECT pg_temp.try(format('SELECT %L::sqm.period', repeat('9', 100000))) LIKE '22023: period "999%" is out of range / The year must be between 1000 and 9999.' AS long_digits,
       pg_temp.try(format('SELECT %L::sqm.period', '2025' || repeat(' ', 100000) || 'x')) LIKE '22P02: invalid input syntax for type period: "2025 %' AS long_junk;
SELECT pg_temp.try($$SELECT sqm.contains('2025', now(), 'Europe/Stokholm')$$);
SELECT pg_temp.try($$SELECT sqm.period_of('month', now(), 'Mars/Olympus_Mons')$$);
SELECT pg_temp.try($$SELECT sqm.period_of('week', date '2025-01-01')$$);
SELECT pg_temp.try($$SELECT sqm.period_of('Year', date '2025-01-01')$$);
SELECT pg_temp.try($$SELECT sqm.period_of('quality_year', date '2025-01-01', 0)$$);
SELECT pg_temp.try($$SELECT sqm.period_of('quality_year', date '2025-01-01', 13)$$);
SELECT pg_temp.try($$SELECT sqm.period_of('year', date 'infinity')$$);
SELECT pg_temp.try($$SELECT sqm.period_of('month', date '-infinity')$$);
SELECT pg_temp.try($$SELECT sqm.period_of('month', timestamptz 'infinity', 'UTC')$$);
SELECT pg_temp.try($$SELECT sqm.period_of('year', date '0999-12-31')$$);
SELECT pg_temp.try($$SELECT sqm.period_of('quality_year', date '1000-08-31', 9)$$);
SELECT pg_temp.try($$SELECT sqm.period_of('month', date '10000-01-01')$$);
SELECT sqm.period_of('year', NULL::date) IS NULL AS strict_null,
       sqm.period_of('quality_year', date '2025-01-01', NULL) IS NULL AS strict_null_start;

-- Random input never crashes and fails only with 22P02 or 22023.
SELECT setseed(0.5);
SELECT r, count(*)
  FROM (SELECT pg_temp.try(format('SELECT %L::sqm.period', s)) AS t
          FROM (SELECT string_agg(substr(' 0123456789/@Qq-x' || chr(233), 1 + (random() * 18)::int, 1), '') AS s
                  FROM generate_series(1, 2000) i, generate_series(1, 1 + i % 12) j
                 GROUP BY i) g) x,
       LATERAL (SELECT CASE WHEN t = 'ok' THEN 'ok' ELSE left(t, 5) END) y(r)
 GROUP BY r ORDER BY r;

-- Catalog checks, with names shown schema-qualified.  The C functions of
-- the type are those whose symbol starts with sqm_period_.
RESET search_path;
-- Every function of the type is immutable, strict and parallel safe.
SELECT p.oid::regprocedure AS function, provolatile, proisstrict, proparallel, proleakproof
  FROM pg_proc p
 WHERE pronamespace = 'sqm'::regnamespace AND prosrc LIKE 'sqm\_period\_%'
 ORDER BY p.oid::regprocedure::text;
-- And every object of the type has a comment.
SELECT count(*) AS objects,
       array_agg(pg_describe_object(classid, objid, objsubid) ORDER BY pg_describe_object(classid, objid, objsubid))
         FILTER (WHERE obj_description(objid, classid::regclass::name) IS NULL) AS without_comment
  FROM pg_depend d
 WHERE refclassid = 'pg_extension'::regclass
   AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'sqm')
   AND deptype = 'e'
   AND CASE WHEN classid = 'pg_proc'::regclass
            THEN (SELECT prosrc LIKE 'sqm\_period\_%' FROM pg_proc WHERE oid = objid)
            ELSE pg_describe_object(classid, objid, objsubid) LIKE '%sqm.period%' END;
