-- The audit trail (design.md §1): explicit time and actor, and one append-only,
-- hash-chained event for every change of a governed table.
-- C implementation in src/audit.c.
--
-- Every create, move (change of state) and edit of a governed row appends one
-- event to sqm.audit_event in the same transaction, through the trigger
-- sqm.audit_record('<kind>') (doc/core.md).  The events of an organisation form
-- a chain: seq runs 1, 2, 3 ... without gaps, and each event's hash is SHA-256
-- over the previous event's hash and the event's own columns, so that
-- sqm.verify_audit() finds the first event that was altered, removed or put out
-- of order.  Removing the newest events leaves a shorter chain that is still
-- whole: only a head recorded elsewhere (sqm.audit_head()) shows that.
--
-- Appends of one organisation are serialised by a transaction-level advisory
-- lock (pg_locks: locktype advisory, classid and objid the high and low 32 bits
-- of the organisation id, objsubid 21329 = 0x5351 'SQ'); pg_advisory_lock()
-- and pg_advisory_xact_lock() never take a lock with that objsubid, so
-- applications cannot collide with it.

-- ---------------------------------------------------------------------------
-- Time and actor.  sqm.frozen_now and sqm.actor are GUCs defined by the
-- library; both are empty by default.

CREATE FUNCTION sqm.now() RETURNS timestamptz
  AS 'MODULE_PATHNAME', 'sqm_now'
  LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION sqm.now() IS
  'The time sqm works with: the start of the transaction, unless sqm.frozen_now is set (tests)';

CREATE FUNCTION sqm.actor() RETURNS text
  AS 'MODULE_PATHNAME', 'sqm_actor'
  LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION sqm.actor() IS
  'The end user acting: sqm.actor if the application set it (SET LOCAL sqm.actor = ...), else the session user';


-- ---------------------------------------------------------------------------
-- The trail.

CREATE TABLE sqm.audit_event (
    org_id       bigint NOT NULL,
    seq          bigint NOT NULL CHECK (seq OPERATOR(pg_catalog.>) 0),
    at           timestamptz NOT NULL,
    actor        text NOT NULL,
    db_role      text NOT NULL,
    object_kind  text NOT NULL,
    object_id    bigint NOT NULL,
    change       text NOT NULL CHECK (change IN ('create', 'move', 'edit')),
    from_state   text,
    to_state     text,
    before       jsonb,
    after        jsonb,
    reason       text,
    prev_hash    bytea NOT NULL,
    hash         bytea NOT NULL,
    PRIMARY KEY (org_id, seq)
);

COMMENT ON TABLE sqm.audit_event IS
  'Audit trail: one event per create, move or edit of a governed row; append-only and hash-chained per organisation';
COMMENT ON COLUMN sqm.audit_event.org_id IS 'Organisation whose chain the event belongs to';
COMMENT ON COLUMN sqm.audit_event.seq IS 'Position in the organisation''s chain: 1, 2, 3 ... without gaps';
COMMENT ON COLUMN sqm.audit_event.at IS 'When: sqm.now() of the writing transaction';
COMMENT ON COLUMN sqm.audit_event.actor IS 'Which end user: sqm.actor() (the GUC sqm.actor, else the session user)';
COMMENT ON COLUMN sqm.audit_event.db_role IS 'Which database role: the session user';
COMMENT ON COLUMN sqm.audit_event.object_kind IS 'Kind of the object changed (the trigger''s argument: a lifecycle kind)';
COMMENT ON COLUMN sqm.audit_event.object_id IS 'Id of the object changed, within the organisation';
COMMENT ON COLUMN sqm.audit_event.change IS 'create, move (its state changed) or edit (other columns changed)';
COMMENT ON COLUMN sqm.audit_event.from_state IS 'State before a move; NULL for a create or an edit';
COMMENT ON COLUMN sqm.audit_event.to_state IS 'State after a move, initial state of a create; NULL for an edit';
COMMENT ON COLUMN sqm.audit_event.before IS
  'Columns that changed, as they were (text of each value; JSON null for NULL); NULL for a create';
COMMENT ON COLUMN sqm.audit_event.after IS
  'Columns that changed, as they became; for a create every non-null column but org_id and id';
COMMENT ON COLUMN sqm.audit_event.reason IS 'The reason given for the change (GUC sqm.reason); NULL if none';
COMMENT ON COLUMN sqm.audit_event.prev_hash IS 'Hash of the previous event of the organisation; 32 zero bytes for the first';
COMMENT ON COLUMN sqm.audit_event.hash IS 'SHA-256 over prev_hash and the other columns (sqm.audit_hash)';

REVOKE ALL ON sqm.audit_event FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('sqm.audit_event', '');
-- before, after and reason hold what changed and why, free text and personal
-- data included
SELECT sqm.classify('sqm.audit_event', '{"internal": ["org_id", "seq", "object_id", "prev_hash", "hash"],
    "exact_time": ["at"], "personal": ["actor", "db_role"], "statistic": ["object_kind", "change", "from_state", "to_state"],
    "free_text": ["before", "after", "reason"]}', part => 'log');

-- Nobody changes or removes an event, the owner included.
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON sqm.audit_event
    FOR EACH ROW EXECUTE FUNCTION sqm.append_only();
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON sqm.audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION sqm.append_only();

-- The trigger every governed table carries (doc/core.md):
--   CREATE TRIGGER audit AFTER INSERT OR UPDATE ON sqm.<table>
--       FOR EACH ROW EXECUTE FUNCTION sqm.audit_record('<kind>');
CREATE FUNCTION sqm.audit_record() RETURNS trigger
  AS 'MODULE_PATHNAME', 'sqm_audit_record'
  LANGUAGE C;
COMMENT ON FUNCTION sqm.audit_record() IS
  'Trigger (AFTER INSERT OR UPDATE, FOR EACH ROW, argument: the kind): appends a create, move or edit event to the organisation''s audit chain';


-- ---------------------------------------------------------------------------
-- Checking the chain.

CREATE FUNCTION sqm.audit_hash(e sqm.audit_event) RETURNS bytea
  AS 'MODULE_PATHNAME', 'sqm_audit_hash'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.audit_hash(sqm.audit_event) IS
  'SHA-256 of an event: over prev_hash, then org_id, seq, at, actor, db_role, object_kind, object_id, change, from_state, to_state, before, after, reason, each tagged and length-prefixed, jsonb as its tokens (serialisation version 1, see src/audit.c); the same routine the trigger appends with';

-- For each organisation, the first event whose link is broken: a seq that does
-- not follow the previous one (an event removed or moved), a prev_hash that is
-- not the previous event's hash (removed, replaced or reordered), or a hash
-- that does not match the event's contents (altered).  One row ok = true when
-- every chain holds.
CREATE FUNCTION sqm.verify_audit(org bigint DEFAULT NULL)
RETURNS TABLE (ok boolean, org_id bigint, seq bigint, problem text)
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    WITH chain AS (
        SELECT e.org_id, e.seq, e.prev_hash, e.hash, sqm.audit_hash(e) AS recomputed,
               lag(e.seq) OVER w AS prev_seq, lag(e.hash) OVER w AS prev_event_hash
          FROM sqm.audit_event e
         WHERE org IS NULL OR e.org_id = org
        WINDOW w AS (PARTITION BY e.org_id ORDER BY e.seq)
    ), checked AS (
        SELECT c.org_id, c.seq,
               CASE
                 WHEN c.seq <> coalesce(c.prev_seq + 1, 1) THEN
                   format('seq: %s follows %s (an event was removed or moved)',
                          c.seq, coalesce(c.prev_seq::text, 'the start of the chain'))
                 WHEN c.prev_hash <> coalesce(c.prev_event_hash, pg_catalog.decode(pg_catalog.repeat('00', 32), 'hex')) THEN
                   format('prev_hash: does not match the hash of %s (an event was removed, replaced or reordered)',
                          coalesce('event ' || c.prev_seq, 'the start'))
                 WHEN c.hash <> c.recomputed THEN
                   'hash: does not match the event''s contents (the event was altered)'
               END AS problem
          FROM chain c
    ), first_broken AS (
        SELECT DISTINCT ON (b.org_id) b.org_id, b.seq, b.problem
          FROM checked b
         WHERE b.problem IS NOT NULL
         ORDER BY b.org_id, b.seq
    )
    SELECT false, f.org_id, f.seq, f.problem FROM first_broken f
    UNION ALL
    SELECT true, NULL, NULL, NULL WHERE NOT EXISTS (SELECT FROM first_broken)
    ORDER BY 2;
END;
COMMENT ON FUNCTION sqm.verify_audit(bigint) IS
  'Checks the audit chains (of one organisation, or all): one row per organisation with its first broken link (seq, prev_hash or hash problem), or one row ok = true; removing the newest events is seen only by comparing with a recorded sqm.audit_head()';

CREATE FUNCTION sqm.audit_head(org bigint)
RETURNS TABLE (seq bigint, hash bytea)
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT e.seq, e.hash FROM sqm.audit_event e
     WHERE e.org_id = org
     ORDER BY e.seq DESC LIMIT 1;
END;
COMMENT ON FUNCTION sqm.audit_head(bigint) IS
  'The newest event of an organisation''s chain (seq and hash): record it outside the database; a later chain that does not contain it was cut short';

REVOKE ALL ON FUNCTION
    sqm.audit_record(), sqm.verify_audit(bigint), sqm.audit_head(bigint)
FROM PUBLIC;
