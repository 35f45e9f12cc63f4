-- sqm.regnr: Swedish registry numbers (diarienummer), implemented in src/regnr.c.
-- A value is a registering body, a year and a sequence number; it reads the
-- local styles "2025.010 SN", "SN 2024/106", "2025. 010 SN" and prints
-- "YYYY.NNN BODY".  Ordered by body (Swedish alphabet), year, sequence number.

CREATE TYPE sqm.regnr;

CREATE FUNCTION sqm.regnr_in(pg_catalog.cstring) RETURNS sqm.regnr
  AS 'MODULE_PATHNAME', 'sqm_regnr_in'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.regnr_in(pg_catalog.cstring) IS
  'text input of sqm.regnr: YYYY.NNN BODY or BODY YYYY/NNN (either separator)';

CREATE FUNCTION sqm.regnr_out(sqm.regnr) RETURNS pg_catalog.cstring
  AS 'MODULE_PATHNAME', 'sqm_regnr_out'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.regnr_out(sqm.regnr) IS
  'text output of sqm.regnr in the canonical form YYYY.NNN BODY';

CREATE FUNCTION sqm.regnr_recv(pg_catalog.internal) RETURNS sqm.regnr
  AS 'MODULE_PATHNAME', 'sqm_regnr_recv'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.regnr_recv(pg_catalog.internal) IS
  'binary input of sqm.regnr: version byte 1, int2 year, int4 sequence number, body as text';

CREATE FUNCTION sqm.regnr_send(sqm.regnr) RETURNS pg_catalog.bytea
  AS 'MODULE_PATHNAME', 'sqm_regnr_send'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.regnr_send(sqm.regnr) IS
  'binary output of sqm.regnr: version byte 1, int2 year, int4 sequence number, body as text';

CREATE TYPE sqm.regnr (
  INPUT = sqm.regnr_in,
  OUTPUT = sqm.regnr_out,
  RECEIVE = sqm.regnr_recv,
  SEND = sqm.regnr_send,
  INTERNALLENGTH = 24,
  ALIGNMENT = int4,
  STORAGE = plain
);
COMMENT ON TYPE sqm.regnr IS
  'Swedish registry number (diarienummer): registering body, year and sequence number, e.g. 2025.010 SN';

-- Comparison.  The functions cannot fail, so they are leakproof (usable
-- under row-level security before the policy filter).

CREATE FUNCTION sqm.regnr_eq(sqm.regnr, sqm.regnr) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'sqm_regnr_eq'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION sqm.regnr_eq(sqm.regnr, sqm.regnr) IS
  'implementation of = for sqm.regnr';

CREATE FUNCTION sqm.regnr_ne(sqm.regnr, sqm.regnr) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'sqm_regnr_ne'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION sqm.regnr_ne(sqm.regnr, sqm.regnr) IS
  'implementation of <> for sqm.regnr';

CREATE FUNCTION sqm.regnr_lt(sqm.regnr, sqm.regnr) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'sqm_regnr_lt'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION sqm.regnr_lt(sqm.regnr, sqm.regnr) IS
  'implementation of < for sqm.regnr';

CREATE FUNCTION sqm.regnr_le(sqm.regnr, sqm.regnr) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'sqm_regnr_le'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION sqm.regnr_le(sqm.regnr, sqm.regnr) IS
  'implementation of <= for sqm.regnr';

CREATE FUNCTION sqm.regnr_gt(sqm.regnr, sqm.regnr) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'sqm_regnr_gt'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION sqm.regnr_gt(sqm.regnr, sqm.regnr) IS
  'implementation of > for sqm.regnr';

CREATE FUNCTION sqm.regnr_ge(sqm.regnr, sqm.regnr) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'sqm_regnr_ge'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION sqm.regnr_ge(sqm.regnr, sqm.regnr) IS
  'implementation of >= for sqm.regnr';

CREATE FUNCTION sqm.regnr_cmp(sqm.regnr, sqm.regnr) RETURNS pg_catalog.int4
  AS 'MODULE_PATHNAME', 'sqm_regnr_cmp'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION sqm.regnr_cmp(sqm.regnr, sqm.regnr) IS
  'btree comparison of sqm.regnr: body in the Swedish alphabet (A-Z, Å, Ä, Ö), then year, then sequence number';

CREATE FUNCTION sqm.regnr_hash(sqm.regnr) RETURNS pg_catalog.int4
  AS 'MODULE_PATHNAME', 'sqm_regnr_hash'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.regnr_hash(sqm.regnr) IS
  'hash of sqm.regnr, consistent with =';

CREATE FUNCTION sqm.regnr_hash_extended(sqm.regnr, pg_catalog.int8) RETURNS pg_catalog.int8
  AS 'MODULE_PATHNAME', 'sqm_regnr_hash_extended'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.regnr_hash_extended(sqm.regnr, pg_catalog.int8) IS
  'seeded 64-bit hash of sqm.regnr, consistent with =';

CREATE OPERATOR sqm.= (
  LEFTARG = sqm.regnr, RIGHTARG = sqm.regnr, FUNCTION = sqm.regnr_eq,
  COMMUTATOR = OPERATOR(sqm.=), NEGATOR = OPERATOR(sqm.<>),
  RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel,
  HASHES, MERGES
);
COMMENT ON OPERATOR sqm.= (sqm.regnr, sqm.regnr) IS 'same registry number';

CREATE OPERATOR sqm.<> (
  LEFTARG = sqm.regnr, RIGHTARG = sqm.regnr, FUNCTION = sqm.regnr_ne,
  COMMUTATOR = OPERATOR(sqm.<>), NEGATOR = OPERATOR(sqm.=),
  RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
COMMENT ON OPERATOR sqm.<> (sqm.regnr, sqm.regnr) IS 'different registry numbers';

CREATE OPERATOR sqm.< (
  LEFTARG = sqm.regnr, RIGHTARG = sqm.regnr, FUNCTION = sqm.regnr_lt,
  COMMUTATOR = OPERATOR(sqm.>), NEGATOR = OPERATOR(sqm.>=),
  RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel
);
COMMENT ON OPERATOR sqm.< (sqm.regnr, sqm.regnr) IS 'sorts before (body, year, sequence number)';

CREATE OPERATOR sqm.<= (
  LEFTARG = sqm.regnr, RIGHTARG = sqm.regnr, FUNCTION = sqm.regnr_le,
  COMMUTATOR = OPERATOR(sqm.>=), NEGATOR = OPERATOR(sqm.>),
  RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel
);
COMMENT ON OPERATOR sqm.<= (sqm.regnr, sqm.regnr) IS 'sorts before or equal (body, year, sequence number)';

CREATE OPERATOR sqm.> (
  LEFTARG = sqm.regnr, RIGHTARG = sqm.regnr, FUNCTION = sqm.regnr_gt,
  COMMUTATOR = OPERATOR(sqm.<), NEGATOR = OPERATOR(sqm.<=),
  RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel
);
COMMENT ON OPERATOR sqm.> (sqm.regnr, sqm.regnr) IS 'sorts after (body, year, sequence number)';

CREATE OPERATOR sqm.>= (
  LEFTARG = sqm.regnr, RIGHTARG = sqm.regnr, FUNCTION = sqm.regnr_ge,
  COMMUTATOR = OPERATOR(sqm.<=), NEGATOR = OPERATOR(sqm.<),
  RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel
);
COMMENT ON OPERATOR sqm.>= (sqm.regnr, sqm.regnr) IS 'sorts after or equal (body, year, sequence number)';

CREATE OPERATOR CLASS sqm.regnr_ops
  DEFAULT FOR TYPE sqm.regnr USING btree AS
    OPERATOR 1 sqm.< ,
    OPERATOR 2 sqm.<= ,
    OPERATOR 3 sqm.= ,
    OPERATOR 4 sqm.>= ,
    OPERATOR 5 sqm.> ,
    FUNCTION 1 sqm.regnr_cmp(sqm.regnr, sqm.regnr);
COMMENT ON OPERATOR FAMILY sqm.regnr_ops USING btree IS
  'btree operators of sqm.regnr';
COMMENT ON OPERATOR CLASS sqm.regnr_ops USING btree IS
  'default btree operator class of sqm.regnr: body (Swedish alphabet), year, sequence number';

CREATE OPERATOR CLASS sqm.regnr_hash_ops
  DEFAULT FOR TYPE sqm.regnr USING hash AS
    OPERATOR 1 sqm.= ,
    FUNCTION 1 sqm.regnr_hash(sqm.regnr),
    FUNCTION 2 sqm.regnr_hash_extended(sqm.regnr, pg_catalog.int8);
COMMENT ON OPERATOR FAMILY sqm.regnr_hash_ops USING hash IS
  'hash operators of sqm.regnr';
COMMENT ON OPERATOR CLASS sqm.regnr_hash_ops USING hash IS
  'default hash operator class of sqm.regnr';

-- Accessors and constructor.

CREATE FUNCTION sqm.regnr_year(sqm.regnr) RETURNS pg_catalog.int4
  AS 'MODULE_PATHNAME', 'sqm_regnr_year'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.regnr_year(sqm.regnr) IS
  'year of a registry number';

CREATE FUNCTION sqm.regnr_seq(sqm.regnr) RETURNS pg_catalog.int4
  AS 'MODULE_PATHNAME', 'sqm_regnr_seq'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.regnr_seq(sqm.regnr) IS
  'sequence number of a registry number';

CREATE FUNCTION sqm.regnr_body(sqm.regnr) RETURNS pg_catalog.text
  AS 'MODULE_PATHNAME', 'sqm_regnr_body'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.regnr_body(sqm.regnr) IS
  'registering body of a registry number (upper case)';

CREATE FUNCTION sqm.make_regnr(body pg_catalog.text, year pg_catalog.int4, seq pg_catalog.int4)
  RETURNS sqm.regnr
  AS 'MODULE_PATHNAME', 'sqm_regnr_make'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.make_regnr(pg_catalog.text, pg_catalog.int4, pg_catalog.int4) IS
  'registry number from its registering body (1-8 letters), year (1000-9999) and sequence number (1-999999)';
