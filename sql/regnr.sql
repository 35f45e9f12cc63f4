--
-- sqm.regnr: Swedish registry numbers (diarienummer).
--

-- Runs a statement and reports the error it raises, with its SQLSTATE.
CREATE FUNCTION pg_temp.try(sql text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  st text;
  msg text;
  det text;
  hnt text;
BEGIN
  EXECUTE sql;
  RAISE NOTICE 'no error';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                          det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
  RAISE NOTICE '%', st || ': ' || msg
    || CASE WHEN det <> '' THEN E'\ndetail: ' || det ELSE '' END
    || CASE WHEN hnt <> '' THEN E'\nhint: ' || hnt ELSE '' END;
END
$$;

-- The styles found in real documents, and their canonical form.
SELECT input, input::sqm.regnr AS canonical
  FROM (VALUES ('2025.010 SN'), ('2023.219 KS'), ('SN 2024/106'), ('2025. 010 SN'),
               ('2025/010 SN'), ('SN 2024.106'), ('2025.1234 SN'), ('2025.999999 BUN'),
               ('1000.1 A'), ('9999.5 ABCDEFGH'), ('   SN    2024/   106   '),
               ('2025.0000010 SN')) AS v(input);
SELECT E'\t2025.010\n SN\r\n'::sqm.regnr AS tabs_and_newlines;

-- Case does not matter; bodies are stored upper case.
SELECT '2025.010 sn'::sqm.regnr AS lower, 'Sn 2025/10'::sqm.regnr AS mixed,
       'bun 2024/7'::sqm.regnr AS bun;

-- Å, Ä and Ö in bodies (the test database is UTF8), in either case.
SELECT 'ÄN 2025/3'::sqm.regnr AS an, '2025.4 än'::sqm.regnr AS an_lower,
       'åN 2025/5'::sqm.regnr AS aan, 'ÖVN 2025.6'::sqm.regnr AS ovn,
       'ÅÄÖÅÄÖÅÄ 2025/7'::sqm.regnr AS eight_two_byte_letters;

-- The operators live in schema sqm: write OPERATOR(sqm.=), or put sqm on the
-- search_path, as the rest of this test does.
SELECT '2025.010 SN'::sqm.regnr OPERATOR(sqm.=) 'SN 2025/10' AS qualified;
SET search_path = public, sqm;

-- Equality across styles.
SELECT '2025.010 SN'::sqm.regnr = 'SN 2025/10' AS same_number,
       '2025.010 SN'::sqm.regnr = '2025. 10 sn' AS same_number_2,
       '2025.010 SN'::sqm.regnr <> 'SN 2025/11' AS other_sequence,
       '2025.010 SN'::sqm.regnr <> '2024.010 SN' AS other_year,
       '2025.010 SN'::sqm.regnr <> '2025.010 SNX' AS other_body;

-- Ordering: body (Swedish alphabet: ... Z, Å, Ä, Ö; a prefix first),
-- then year, then sequence number.
CREATE TEMP TABLE regnr_mix (r sqm.regnr);
INSERT INTO regnr_mix VALUES
  ('ÖN 2024/1'), ('2025.010 SN'), ('ÄN 2025/2'), ('2024.300 SN'), ('ÅN 2023/9'),
  ('KS 2025/1'), ('2025.9 SN'), ('2025.10000 SN'), ('ZN 2025/1'), ('2025.1 S'),
  ('SNA 2020/1'), ('BUN 2025/5'), ('ÄNA 2020/1'), ('2025.1 ÄN');
SELECT r, sqm.regnr_body(r) AS body, sqm.regnr_year(r) AS year, sqm.regnr_seq(r) AS seq
  FROM regnr_mix ORDER BY r;
SELECT r FROM regnr_mix ORDER BY r DESC LIMIT 3;
SELECT 'KS 2025/1'::sqm.regnr < 'SN 2020/1' AS ks_lt_sn,
       'SN 2025/1'::sqm.regnr < 'ÅN 2020/1' AS sn_lt_aan,
       'ÅN 2025/1'::sqm.regnr < 'ÄN 2020/1' AS aan_lt_an,
       'ÄN 2025/1'::sqm.regnr < 'ÖN 2020/1' AS an_lt_on,
       'ZZ 2025/1'::sqm.regnr < 'Å 2020/1' AS z_lt_aa,
       'S 2025/1'::sqm.regnr < 'SA 2020/1' AS prefix_first,
       '2025.9 SN'::sqm.regnr < '2025.10 SN' AS numeric_sequence,
       sqm.regnr_cmp('2025.9 SN', '2025.10 SN') AS cmp_lt,
       sqm.regnr_cmp('2025.10 SN', 'SN 2025/10') AS cmp_eq,
       sqm.regnr_cmp('ÖN 2025/1', 'ÅN 2025/1') AS cmp_gt;
SELECT count(*) FILTER (WHERE a.r < b.r) AS lt, count(*) FILTER (WHERE a.r <= b.r) AS le,
       count(*) FILTER (WHERE a.r = b.r) AS eq, count(*) FILTER (WHERE a.r <> b.r) AS ne,
       count(*) FILTER (WHERE a.r >= b.r) AS ge, count(*) FILTER (WHERE a.r > b.r) AS gt
  FROM regnr_mix a, regnr_mix b;

-- A unique btree index refuses the same number written in another style.
CREATE TEMP TABLE regnr_case (r sqm.regnr PRIMARY KEY, title text);
INSERT INTO regnr_case VALUES ('2025.010 SN', 'first');
SELECT pg_temp.try($$INSERT INTO regnr_case VALUES ('sn 2025/10', 'again')$$);
INSERT INTO regnr_case SELECT r, 'mix' FROM regnr_mix WHERE r <> '2025.010 SN';
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT title FROM regnr_case WHERE r = 'SN 2025/10';
SELECT title FROM regnr_case WHERE r = 'SN 2025/10';
SELECT r FROM regnr_case WHERE r BETWEEN 'SN 2024/1' AND 'SN 2025/10' ORDER BY r;
RESET enable_seqscan;

-- Hashing agrees with equality: hash aggregation, a hash index, a hash join.
SELECT sqm.regnr_hash('2025.010 SN') = sqm.regnr_hash('sn 2025/10') AS same_hash,
       sqm.regnr_hash_extended('2025.010 SN', 7) = sqm.regnr_hash_extended('sn 2025/10', 7)
         AS same_extended_hash,
       sqm.regnr_hash_extended('2025.010 SN', 0) & 4294967295
         = sqm.regnr_hash('2025.010 SN')::bigint & 4294967295 AS seed_0_low_bits;
CREATE TEMP TABLE regnr_styles (r sqm.regnr);
INSERT INTO regnr_styles SELECT r FROM regnr_mix;
INSERT INTO regnr_styles VALUES ('SN 2025/10'), ('sn 2025.010'), ('2025. 10 SN'), ('än 2025/2'),
  ('2025/3 än');
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT DISTINCT r FROM regnr_styles;
SELECT count(*) AS values, count(DISTINCT r) AS distinct_values,
       (SELECT count(*) FROM (SELECT DISTINCT r FROM regnr_styles) d) AS hashed_distinct
  FROM regnr_styles;
SELECT r, count(*) FROM regnr_styles GROUP BY r HAVING count(*) > 1 ORDER BY 1;
RESET enable_sort;
CREATE INDEX regnr_styles_hash ON regnr_styles USING hash (r);
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM regnr_styles WHERE r = '2025.10 sn';
SELECT count(*) FROM regnr_styles WHERE r = '2025.10 sn';
RESET enable_seqscan;
SET enable_mergejoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM regnr_styles s JOIN regnr_mix m ON s.r = m.r;
SELECT count(*) FROM regnr_styles s JOIN regnr_mix m ON s.r = m.r;
RESET enable_mergejoin;
RESET enable_nestloop;

-- Accessors and constructor.
SELECT sqm.regnr_year('SN 2024/106') AS year, sqm.regnr_seq('SN 2024/106') AS seq,
       sqm.regnr_body('SN 2024/106') AS body, sqm.regnr_body('2025.1 ön') AS body_2;
SELECT sqm.make_regnr('SN', 2025, 10) AS sn, sqm.make_regnr('än', 2024, 1234) AS an,
       sqm.make_regnr('SN', 2025, 10) = '2025.010 SN' AS equal_to_text,
       sqm.make_regnr(NULL, 2025, 10) IS NULL AS strict;

-- Binary: the send format, and a round trip through COPY (FORMAT binary).
SELECT sqm.regnr_send('2025.010 SN') AS sn, sqm.regnr_send('ÄN 2024/106') AS an;
SELECT '/tmp/sqm_regnr_' || pg_backend_pid() || '.bin' AS binfile \gset
COPY regnr_mix TO :'binfile' (FORMAT binary);
CREATE TEMP TABLE regnr_back (r sqm.regnr);
COPY regnr_back FROM :'binfile' (FORMAT binary);
SELECT count(*) AS rows_back,
       (SELECT count(*) FROM (SELECT r FROM regnr_mix EXCEPT SELECT r FROM regnr_back) d) AS lost
  FROM regnr_back;
-- Binary input checks what it reads: hand-made values written as bytea land
-- in a sqm.regnr column byte for byte.
CREATE TEMP TABLE regnr_raw (b bytea);
CREATE FUNCTION pg_temp.recv(raw bytea, binfile text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE regnr_raw;
  INSERT INTO regnr_raw VALUES (raw);
  EXECUTE format('COPY regnr_raw TO %L (FORMAT binary)', binfile);
  TRUNCATE regnr_back;
  EXECUTE format('COPY regnr_back FROM %L (FORMAT binary)', binfile);
  RAISE NOTICE 'received %', (SELECT r FROM regnr_back);
END
$$;
SELECT pg_temp.recv('\x0107e90000000a736e', :'binfile');
SELECT pg_temp.try(format($$SELECT pg_temp.recv('\x0207e90000000a534e', %L)$$, :'binfile'));
SELECT pg_temp.try(format($$SELECT pg_temp.recv('\x0107e90000000a', %L)$$, :'binfile'));
SELECT pg_temp.try(format($$SELECT pg_temp.recv('\x0107e90000000a532d4e', %L)$$, :'binfile'));
SELECT pg_temp.try(format($$SELECT pg_temp.recv('\x0107e900000000534e', %L)$$, :'binfile'));
SELECT pg_temp.try(format($$SELECT pg_temp.recv('\x0103e70000000a534e', %L)$$, :'binfile'));
SELECT pg_temp.try(format($$SELECT pg_temp.recv('\x0107e90000000a414243444546474849', %L)$$, :'binfile'));
SELECT pg_temp.try(format($$SELECT pg_temp.recv('\x0107e9', %L)$$, :'binfile'));
SELECT pg_temp.try(format($$SELECT pg_temp.recv('\x0107e9000000', %L)$$, :'binfile'));
SELECT 'rm -f ' || :'binfile' AS rmcmd \gset
COPY (SELECT WHERE false) TO PROGRAM :'rmcmd';

-- Errors.  Text that is not a registry number: 22P02.
SELECT pg_temp.try($$SELECT ''::sqm.regnr$$);
SELECT pg_temp.try($$SELECT '   '::sqm.regnr$$);
SELECT pg_temp.try($$SELECT 'garbage'::sqm.regnr$$);
SELECT pg_temp.try($$SELECT '#2025.010 SN'::sqm.regnr$$);
SELECT pg_temp.try($$SELECT '2025.010'::sqm.regnr$$);
SELECT pg_temp.try($$SELECT 'SN'::sqm.regnr$$);
SELECT pg_temp.try($$SELECT 'SN 2025'::sqm.regnr$$);
SELECT pg_temp.try($$SELECT '2025. SN'::sqm.regnr$$);
SELECT pg_temp.try($$SELECT '2025 010 SN'::sqm.regnr$$);
SELECT pg_temp.try($$SELECT '2025-010 SN'::sqm.regnr$$);
SELECT pg_temp.try($$SELECT '2025 .010 SN'::sqm.regnr$$);
SELECT pg_temp.try($$SELECT '2025.010SN'::sqm.regnr$$);
SELECT pg_temp.try($$SELECT '2025.010 S1'::sqm.regnr$$);
SELECT pg_temp.try($$SELECT 'S1 2025/010'::sqm.regnr$$);
SELECT pg_temp.try($$SELECT '2025.010 S-N'::sqm.regnr$$);
SELECT pg_temp.try($$SELECT 'SN 2025.010 KS'::sqm.regnr$$);
SELECT pg_temp.try($$SELECT 'SN KS 2025.010'::sqm.regnr$$);
SELECT pg_temp.try($$SELECT '2025.010 SN KS'::sqm.regnr$$);
SELECT pg_temp.try($$SELECT '2025.-10 SN'::sqm.regnr$$);
SELECT pg_temp.try($$SELECT '2025.010 ÆN'::sqm.regnr$$);
SELECT pg_temp.try($$SELECT '2025.010 ÉN'::sqm.regnr$$);
-- Parts out of range: 22023.
SELECT pg_temp.try($$SELECT 'ABCDEFGHI 2025/010'::sqm.regnr$$);
SELECT pg_temp.try($$SELECT '2025.010 ÅÄÖÅÄÖÅÄÖ'::sqm.regnr$$);
SELECT pg_temp.try($$SELECT '2025.000 SN'::sqm.regnr$$);
SELECT pg_temp.try($$SELECT '2025.1000000 SN'::sqm.regnr$$);
SELECT pg_temp.try($$SELECT '0999.010 SN'::sqm.regnr$$);
SELECT pg_temp.try($$SELECT '10000.010 SN'::sqm.regnr$$);
SELECT pg_temp.try($$SELECT '2025.1234567890123456789012345678901234567890 SN'::sqm.regnr$$);
SELECT pg_temp.try($$SELECT 'SN 99999999999999999999999999999999999999999/1'::sqm.regnr$$);
-- Constructor.
SELECT pg_temp.try($$SELECT sqm.make_regnr('S1', 2025, 10)$$);
SELECT pg_temp.try($$SELECT sqm.make_regnr('', 2025, 10)$$);
SELECT pg_temp.try($$SELECT sqm.make_regnr(' SN', 2025, 10)$$);
SELECT pg_temp.try($$SELECT sqm.make_regnr('ABCDEFGHI', 2025, 10)$$);
SELECT pg_temp.try($$SELECT sqm.make_regnr('SN', 999, 10)$$);
SELECT pg_temp.try($$SELECT sqm.make_regnr('SN', 10000, 10)$$);
SELECT pg_temp.try($$SELECT sqm.make_regnr('SN', 2025, 0)$$);
SELECT pg_temp.try($$SELECT sqm.make_regnr('SN', 2025, -5)$$);
SELECT pg_temp.try($$SELECT sqm.make_regnr('SN', 2025, 1000000)$$);
-- Long input is refused cleanly (only the SQLSTATE shown: the messages
-- quote the input); long runs of leading zeros are still numbers.
CREATE FUNCTION pg_temp.sqlstate_of(sql text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE sql;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE;
END
$$;
SELECT pg_temp.sqlstate_of($$SELECT repeat('9', 100000)::sqm.regnr$$) AS digits,
       pg_temp.sqlstate_of($$SELECT ('2025.' || repeat('9', 100000) || ' SN')::sqm.regnr$$) AS sequence,
       pg_temp.sqlstate_of($$SELECT (repeat('Ö', 100000) || ' 2025/1')::sqm.regnr$$) AS body,
       pg_temp.sqlstate_of($$SELECT ('SN 2025/1' || repeat(' ', 100000) || 'x')::sqm.regnr$$) AS trailing;
SELECT ('2025.' || repeat('0', 100000) || '1 SN')::sqm.regnr AS leading_zeros;

-- Volatility, parallel safety, strictness and leakproofness of the functions.
SELECT p.oid::regprocedure AS function, p.provolatile AS volatile, p.proparallel AS parallel,
       p.proisstrict AS strict, p.proleakproof AS leakproof
  FROM pg_proc p
 WHERE p.pronamespace = 'sqm'::regnamespace AND p.proname LIKE '%regnr%'
 ORDER BY p.proname;
