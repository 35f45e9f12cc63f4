-- sqm.period: reporting periods (calendar year, quality year, quarter, month).
-- C implementation in src/period.c.  Text forms: 2025, 2023/24@9, 2025Q3, 2025-03.
-- Every function here is pure: IMMUTABLE STRICT PARALLEL SAFE.

CREATE TYPE sqm.period;

CREATE FUNCTION sqm.period_in(pg_catalog.cstring) RETURNS sqm.period
  AS 'MODULE_PATHNAME', 'sqm_period_in'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.period_in(pg_catalog.cstring) IS
  'text input of sqm.period: 2025, 2023/24@9 (also 2023/2024@09), 2025Q3 (also 2025q3, 2025-Q3), 2025-03 (also 2025-3)';

CREATE FUNCTION sqm.period_out(sqm.period) RETURNS pg_catalog.cstring
  AS 'MODULE_PATHNAME', 'sqm_period_out'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.period_out(sqm.period) IS
  'canonical text of sqm.period: 2025, 2023/24@9, 2025Q3, 2025-03';

CREATE FUNCTION sqm.period_recv(pg_catalog.internal) RETURNS sqm.period
  AS 'MODULE_PATHNAME', 'sqm_period_recv'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.period_recv(pg_catalog.internal) IS
  'binary input of sqm.period (format version 1)';

CREATE FUNCTION sqm.period_send(sqm.period) RETURNS pg_catalog.bytea
  AS 'MODULE_PATHNAME', 'sqm_period_send'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.period_send(sqm.period) IS
  'binary output of sqm.period: version byte 1, kind byte (1 year, 2 quality year, 3 quarter, 4 month), int16 year, sub-field byte (0, start month, quarter or month)';

CREATE TYPE sqm.period (
  INPUT = sqm.period_in,
  OUTPUT = sqm.period_out,
  RECEIVE = sqm.period_recv,
  SEND = sqm.period_send,
  INTERNALLENGTH = 4,
  PASSEDBYVALUE,
  ALIGNMENT = int4,
  STORAGE = plain
);
COMMENT ON TYPE sqm.period IS
  'reporting period: calendar year (2025), quality year with its start month (2023/24@9), quarter (2025Q3) or month (2025-03); ordered by first day, then longest first';

-- Comparison

CREATE FUNCTION sqm.period_eq(sqm.period, sqm.period) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'sqm_period_eq'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION sqm.period_eq(sqm.period, sqm.period) IS
  'implementation of = for sqm.period: same kind and fields';

CREATE FUNCTION sqm.period_ne(sqm.period, sqm.period) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'sqm_period_ne'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION sqm.period_ne(sqm.period, sqm.period) IS
  'implementation of <> for sqm.period';

CREATE FUNCTION sqm.period_lt(sqm.period, sqm.period) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'sqm_period_lt'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION sqm.period_lt(sqm.period, sqm.period) IS
  'implementation of < for sqm.period';

CREATE FUNCTION sqm.period_le(sqm.period, sqm.period) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'sqm_period_le'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION sqm.period_le(sqm.period, sqm.period) IS
  'implementation of <= for sqm.period';

CREATE FUNCTION sqm.period_gt(sqm.period, sqm.period) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'sqm_period_gt'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION sqm.period_gt(sqm.period, sqm.period) IS
  'implementation of > for sqm.period';

CREATE FUNCTION sqm.period_ge(sqm.period, sqm.period) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'sqm_period_ge'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION sqm.period_ge(sqm.period, sqm.period) IS
  'implementation of >= for sqm.period';

CREATE FUNCTION sqm.period_cmp(sqm.period, sqm.period) RETURNS pg_catalog.int4
  AS 'MODULE_PATHNAME', 'sqm_period_cmp'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION sqm.period_cmp(sqm.period, sqm.period) IS
  'btree comparison of sqm.period: by first day, then by last day descending (-1, 0 or 1)';

CREATE FUNCTION sqm.period_hash(sqm.period) RETURNS pg_catalog.int4
  AS 'MODULE_PATHNAME', 'sqm_period_hash'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION sqm.period_hash(sqm.period) IS
  'hash of sqm.period, consistent with =';

CREATE FUNCTION sqm.period_hash_extended(sqm.period, pg_catalog.int8) RETURNS pg_catalog.int8
  AS 'MODULE_PATHNAME', 'sqm_period_hash_extended'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION sqm.period_hash_extended(sqm.period, pg_catalog.int8) IS
  'seeded 64-bit hash of sqm.period, consistent with =';

CREATE OPERATOR sqm.= (
  LEFTARG = sqm.period, RIGHTARG = sqm.period, FUNCTION = sqm.period_eq,
  COMMUTATOR = OPERATOR(sqm.=), NEGATOR = OPERATOR(sqm.<>),
  RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel,
  HASHES, MERGES
);
COMMENT ON OPERATOR sqm.= (sqm.period, sqm.period) IS 'equal: same period';

CREATE OPERATOR sqm.<> (
  LEFTARG = sqm.period, RIGHTARG = sqm.period, FUNCTION = sqm.period_ne,
  COMMUTATOR = OPERATOR(sqm.<>), NEGATOR = OPERATOR(sqm.=),
  RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
COMMENT ON OPERATOR sqm.<> (sqm.period, sqm.period) IS 'not equal';

CREATE OPERATOR sqm.< (
  LEFTARG = sqm.period, RIGHTARG = sqm.period, FUNCTION = sqm.period_lt,
  COMMUTATOR = OPERATOR(sqm.>), NEGATOR = OPERATOR(sqm.>=),
  RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel
);
COMMENT ON OPERATOR sqm.< (sqm.period, sqm.period) IS 'less than: starts earlier, or starts the same day and ends later';

CREATE OPERATOR sqm.<= (
  LEFTARG = sqm.period, RIGHTARG = sqm.period, FUNCTION = sqm.period_le,
  COMMUTATOR = OPERATOR(sqm.>=), NEGATOR = OPERATOR(sqm.>),
  RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel
);
COMMENT ON OPERATOR sqm.<= (sqm.period, sqm.period) IS 'less than or equal';

CREATE OPERATOR sqm.> (
  LEFTARG = sqm.period, RIGHTARG = sqm.period, FUNCTION = sqm.period_gt,
  COMMUTATOR = OPERATOR(sqm.<), NEGATOR = OPERATOR(sqm.<=),
  RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel
);
COMMENT ON OPERATOR sqm.> (sqm.period, sqm.period) IS 'greater than: starts later, or starts the same day and ends earlier';

CREATE OPERATOR sqm.>= (
  LEFTARG = sqm.period, RIGHTARG = sqm.period, FUNCTION = sqm.period_ge,
  COMMUTATOR = OPERATOR(sqm.<=), NEGATOR = OPERATOR(sqm.<),
  RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel
);
COMMENT ON OPERATOR sqm.>= (sqm.period, sqm.period) IS 'greater than or equal';

-- Equality is equality of the stored value, so btree deduplication is safe
-- (support function 4, btequalimage).
CREATE OPERATOR CLASS sqm.period_ops
  DEFAULT FOR TYPE sqm.period USING btree AS
    OPERATOR 1 sqm.< ,
    OPERATOR 2 sqm.<= ,
    OPERATOR 3 sqm.= ,
    OPERATOR 4 sqm.>= ,
    OPERATOR 5 sqm.> ,
    FUNCTION 1 sqm.period_cmp(sqm.period, sqm.period),
    FUNCTION 4 pg_catalog.btequalimage(pg_catalog.oid);
COMMENT ON OPERATOR CLASS sqm.period_ops USING btree IS
  'default btree operator class for sqm.period: by first day, then longest first';
COMMENT ON OPERATOR FAMILY sqm.period_ops USING btree IS
  'btree operator family for sqm.period';

CREATE OPERATOR CLASS sqm.period_ops
  DEFAULT FOR TYPE sqm.period USING hash AS
    OPERATOR 1 sqm.= ,
    FUNCTION 1 sqm.period_hash(sqm.period),
    FUNCTION 2 sqm.period_hash_extended(sqm.period, pg_catalog.int8);
COMMENT ON OPERATOR CLASS sqm.period_ops USING hash IS
  'default hash operator class for sqm.period';
COMMENT ON OPERATOR FAMILY sqm.period_ops USING hash IS
  'hash operator family for sqm.period';

-- Calendar

CREATE FUNCTION sqm.first_day(sqm.period) RETURNS pg_catalog.date
  AS 'MODULE_PATHNAME', 'sqm_period_first_day'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.first_day(sqm.period) IS
  'first day of the period';

CREATE FUNCTION sqm.last_day(sqm.period) RETURNS pg_catalog.date
  AS 'MODULE_PATHNAME', 'sqm_period_last_day'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.last_day(sqm.period) IS
  'last day of the period';

CREATE FUNCTION sqm.to_daterange(sqm.period) RETURNS pg_catalog.daterange
  AS 'MODULE_PATHNAME', 'sqm_period_to_daterange'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.to_daterange(sqm.period) IS
  'the days of the period as a daterange: [first day, last day + 1)';

CREATE CAST (sqm.period AS pg_catalog.daterange)
  WITH FUNCTION sqm.to_daterange(sqm.period);
COMMENT ON CAST (sqm.period AS pg_catalog.daterange) IS
  'the days of the period, as sqm.to_daterange';

CREATE FUNCTION sqm.period_kind(sqm.period) RETURNS pg_catalog.text
  AS 'MODULE_PATHNAME', 'sqm_period_kind'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.period_kind(sqm.period) IS
  'kind of the period: year, quality_year, quarter or month';

CREATE FUNCTION sqm.start_month(sqm.period) RETURNS pg_catalog.int4
  AS 'MODULE_PATHNAME', 'sqm_period_start_month'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.start_month(sqm.period) IS
  'month (1-12) the period starts in, for every kind: 1 for a calendar year, the start month of a quality year, 1/4/7/10 for quarters';

CREATE FUNCTION sqm.prev(sqm.period) RETURNS sqm.period
  AS 'MODULE_PATHNAME', 'sqm_period_prev'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.prev(sqm.period) IS
  'previous period of the same kind (a quality year keeps its start month)';

CREATE FUNCTION sqm.next(sqm.period) RETURNS sqm.period
  AS 'MODULE_PATHNAME', 'sqm_period_next'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.next(sqm.period) IS
  'next period of the same kind (a quality year keeps its start month)';

-- Dates and timestamps

CREATE FUNCTION sqm.contains(sqm.period, pg_catalog.date) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'sqm_period_contains_date'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.contains(sqm.period, pg_catalog.date) IS
  'whether the date lies in the period (never for -infinity or infinity)';

CREATE FUNCTION sqm.contained_by(pg_catalog.date, sqm.period) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'sqm_period_contained_by_date'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.contained_by(pg_catalog.date, sqm.period) IS
  'whether the date lies in the period (never for -infinity or infinity)';

CREATE OPERATOR sqm.@> (
  LEFTARG = sqm.period, RIGHTARG = pg_catalog.date, FUNCTION = sqm.contains,
  COMMUTATOR = OPERATOR(sqm.<@),
  RESTRICT = pg_catalog.contsel, JOIN = pg_catalog.contjoinsel
);
COMMENT ON OPERATOR sqm.@> (sqm.period, pg_catalog.date) IS 'period contains date';

CREATE OPERATOR sqm.<@ (
  LEFTARG = pg_catalog.date, RIGHTARG = sqm.period, FUNCTION = sqm.contained_by,
  COMMUTATOR = OPERATOR(sqm.@>),
  RESTRICT = pg_catalog.contsel, JOIN = pg_catalog.contjoinsel
);
COMMENT ON OPERATOR sqm.<@ (pg_catalog.date, sqm.period) IS 'date is contained by period';

-- Immutable like pg_catalog.timezone(text, timestamptz), which it uses.
CREATE FUNCTION sqm.contains(sqm.period, pg_catalog.timestamptz, time_zone pg_catalog.text)
  RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'sqm_period_contains_timestamptz'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.contains(sqm.period, pg_catalog.timestamptz, pg_catalog.text) IS
  'whether the local date of the timestamp in the time zone (e.g. Europe/Stockholm) lies in the period';

CREATE FUNCTION sqm.period_of(kind pg_catalog.text, d pg_catalog.date,
                              start_month pg_catalog.int4 DEFAULT 1)
  RETURNS sqm.period
  AS 'MODULE_PATHNAME', 'sqm_period_of_date'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.period_of(pg_catalog.text, pg_catalog.date, pg_catalog.int4) IS
  'period of the kind (year, quality_year, quarter, month) containing the date; start_month (1-12) is used for quality_year, where 1 gives the calendar year';

CREATE FUNCTION sqm.period_of(kind pg_catalog.text, ts pg_catalog.timestamptz,
                              time_zone pg_catalog.text,
                              start_month pg_catalog.int4 DEFAULT 1)
  RETURNS sqm.period
  AS 'MODULE_PATHNAME', 'sqm_period_of_timestamptz'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.period_of(pg_catalog.text, pg_catalog.timestamptz, pg_catalog.text, pg_catalog.int4) IS
  'period of the kind (year, quality_year, quarter, month) containing the local date of the timestamp in the time zone; start_month as for the date form';
