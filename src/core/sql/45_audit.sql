-- The audit trail (design.md §1): explicit time and actor, and one append-only,
-- hash-chained event for every change of a governed table.
-- C implementation in src/core/audit.c.
--
-- Every create, move (change of state) and edit of a governed row appends one
-- event to sqm.audit_event in the same transaction, through the trigger
-- sqm.audit_record('<kind>') (doc/core.md).  The events of an organisation form
-- a chain: seq runs 1, 2, 3 ... without gaps, and each event's hash is SHA-256
-- over its serialisation in the format it records (format 1: the format, the
-- previous event's hash and the event's own columns), so that
-- sqm.verify_audit() finds the first event that was altered, removed or put out
-- of order.  Removing the newest events leaves a shorter chain that is still
-- whole: only a head recorded elsewhere (sqm.audit_head()) shows that.
--
-- Personal data and free text never enter the chain: the value of a column
-- classed personal or free_text (or not classed) appears in before/after, and
-- the reason in reason, as its salted digest
-- 'sha256:' || hex(sha256(salt || value)), and the value with its salt is kept
-- in sqm.audit_value, which the chain does not hash, so that a retention rule
-- can erase them and the chain still verifies.  sqm.audit_trail shows the
-- events with the values still kept in place of their digests.
--
-- Appends of one organisation are serialised by a transaction-level advisory
-- lock (pg_locks: locktype advisory, classid and objid the high and low 32 bits
-- of the organisation id, objsubid 21329 = 0x5351 'SQ'); pg_advisory_lock()
-- and pg_advisory_xact_lock() never take a lock with that objsubid, so
-- applications cannot collide with it.

-- ---------------------------------------------------------------------------
-- Time and actor.  The GUCs are defined by the library: sqm.frozen_now,
-- sqm.import_batch and sqm.batch_source are PGC_SUSET (superusers, and roles
-- granted SET ON PARAMETER: loaders); sqm.actor any role may set, and it counts
-- only for members of sqm_app and superusers.

CREATE FUNCTION sqm.now() RETURNS timestamptz
  AS 'MODULE_PATHNAME', 'sqm_now'
  LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION sqm.now() IS
  'The time sqm works with: the start of the transaction, unless sqm.frozen_now is set (superusers and roles granted SET on it: tests, replays)';

CREATE FUNCTION sqm.actor() RETURNS text
  AS 'MODULE_PATHNAME', 'sqm_actor'
  LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION sqm.actor() IS
  'The person acting, as the audit trail records it: sqm.actor if the calling role is a member of sqm_app (or a superuser), else the calling role (the SET ROLE target, else the session user)';

-- The context of a write (src/core/audit.c): the write path sets it around
-- each write it makes, with the source 'api' and the reason of the API call,
-- and clears it after; the audit trail records both.  Contexts nest (clearing
-- restores the enclosing one; a context without a reason takes the enclosing
-- one's) and go with a (sub)transaction that aborts.  Owner only: no role
-- states a reason or a source other than by calling the API.
CREATE FUNCTION sqm.audit_set_context(source text, reason text) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_audit_set_context_sql'
  LANGUAGE C VOLATILE;
COMMENT ON FUNCTION sqm.audit_set_context(text, text) IS
  'Internal (write path): the writes that follow, until sqm.audit_clear_context(), come from source (api) for reason (NULL: none, or the enclosing context''s)';

CREATE FUNCTION sqm.audit_clear_context() RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_audit_clear_context_sql'
  LANGUAGE C VOLATILE;
COMMENT ON FUNCTION sqm.audit_clear_context() IS
  'Internal (write path): ends the context set by the last sqm.audit_set_context(); the enclosing one applies again';

REVOKE ALL ON FUNCTION sqm.audit_set_context(text, text), sqm.audit_clear_context() FROM PUBLIC;


-- ---------------------------------------------------------------------------
-- The trail.

CREATE TABLE sqm.audit_event (
    org_id       bigint NOT NULL,
    seq          bigint NOT NULL CHECK (seq OPERATOR(pg_catalog.>) 0),
    format       smallint NOT NULL CHECK (format OPERATOR(pg_catalog.>) 0),
    recorded_at  timestamptz NOT NULL,
    source       text NOT NULL CHECK (source IN ('api', 'direct', 'import', 'restore')),
    batch        text CHECK ((batch IS NOT NULL) OPERATOR(pg_catalog.=) (source IN ('import', 'restore'))),
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
COMMENT ON COLUMN sqm.audit_event.format IS
  'Format of the event''s serialisation, the first thing its hash covers (1: see sqm.audit_hash); sqm.verify_audit() checks each event in its own format';
COMMENT ON COLUMN sqm.audit_event.recorded_at IS
  'When the event entered the chain: the clock read after the organisation''s chain lock was taken -- sqm.frozen_now if set (a replay), else the wall clock -- and never earlier than the previous event''s';
COMMENT ON COLUMN sqm.audit_event.source IS
  'Where the change came from: api (an API function), direct (a write to the table), import or restore (a batch marked with sqm.import_batch)';
COMMENT ON COLUMN sqm.audit_event.batch IS 'The batch (sqm.import_batch) of an import or restore; NULL otherwise';
COMMENT ON COLUMN sqm.audit_event.actor IS
  'Which person: sqm.actor when the calling role is a member of sqm_app (or a superuser), else the calling role';
COMMENT ON COLUMN sqm.audit_event.db_role IS
  'Which database role: the calling role as the access checks see it (the SET ROLE target, else the session user)';
COMMENT ON COLUMN sqm.audit_event.object_kind IS 'Kind of the object changed (the trigger''s argument: a lifecycle kind)';
COMMENT ON COLUMN sqm.audit_event.object_id IS 'Id of the object changed, within the organisation';
COMMENT ON COLUMN sqm.audit_event.change IS 'create, move (its state changed) or edit (other columns changed)';
COMMENT ON COLUMN sqm.audit_event.from_state IS 'State before a move; NULL for a create or an edit';
COMMENT ON COLUMN sqm.audit_event.to_state IS 'State after a move, initial state of a create; NULL for an edit';
COMMENT ON COLUMN sqm.audit_event.before IS
  'Columns that changed, as they were (text of each value; JSON null for NULL; for a personal, free-text or unclassified column its salted digest, the value being in sqm.audit_value); NULL for a create';
COMMENT ON COLUMN sqm.audit_event.after IS
  'Columns that changed, as they became (as before); for a create every non-null column but org_id and id';
COMMENT ON COLUMN sqm.audit_event.reason IS
  'The reason the API call gave for the change, as its salted digest (free text: the text is in sqm.audit_value); NULL if none (and for every direct write)';
COMMENT ON COLUMN sqm.audit_event.prev_hash IS 'Hash of the previous event of the organisation; 32 zero bytes for the first';
COMMENT ON COLUMN sqm.audit_event.hash IS 'SHA-256 of the event''s serialisation in its format (sqm.audit_hash)';

REVOKE ALL ON sqm.audit_event FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('sqm.audit_event', '');
-- before and after hold digests in place of personal data and free text, but
-- the text of every other column that changed; reason is what the caller wrote
SELECT sqm.classify('sqm.audit_event', '{"internal": ["org_id", "seq", "format", "object_id", "prev_hash", "hash", "batch"],
    "exact_time": ["recorded_at"], "personal": ["actor", "db_role"],
    "statistic": ["source", "object_kind", "change", "from_state", "to_state"],
    "free_text": ["before", "after", "reason"]}', part => 'log');

-- Nobody changes or removes an event, the owner included.
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON sqm.audit_event
    FOR EACH ROW EXECUTE FUNCTION sqm.append_only();
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON sqm.audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION sqm.append_only();

-- The values behind the salted digests of the events, with their salts:
-- outside the chain, so that erasing a value and its salt (setting both to
-- NULL; the only change sqm.erase_only lets through) leaves every chain
-- verifying.  sqm.verify_audit() checks every value still kept against its
-- digest.
CREATE TABLE sqm.audit_value (
    org_id       bigint NOT NULL,
    seq          bigint NOT NULL,
    side         text NOT NULL CHECK (side IN ('before', 'after', 'reason')),
    column_name  text NOT NULL,
    salt         bytea CHECK (pg_catalog.length(salt) OPERATOR(pg_catalog.=) 16),
    value        text,
    CHECK ((salt IS NULL) OPERATOR(pg_catalog.=) (value IS NULL)),
    PRIMARY KEY (org_id, seq, side, column_name)
);
COMMENT ON TABLE sqm.audit_value IS
  'The personal data and free text of audit events, outside the hash chain: the event holds sha256:<hex of sha256(salt || value)>, this table the value and its salt; erased (both NULL) when retention ends';
COMMENT ON COLUMN sqm.audit_value.org_id IS 'Organisation of the event';
COMMENT ON COLUMN sqm.audit_value.seq IS 'The event (sqm.audit_event.seq)';
COMMENT ON COLUMN sqm.audit_value.side IS 'Where the digest is in the event: a member of before or after, or the reason';
COMMENT ON COLUMN sqm.audit_value.column_name IS 'The column (the member''s key); reason for the reason';
COMMENT ON COLUMN sqm.audit_value.salt IS '16 random bytes; NULL once erased';
COMMENT ON COLUMN sqm.audit_value.value IS 'The text of the value (what the digest covers, in the database encoding); NULL once erased';
REVOKE ALL ON sqm.audit_value FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('sqm.audit_value', '');
SELECT sqm.classify('sqm.audit_value', '{"internal": ["org_id", "seq", "side", "column_name", "salt"],
    "free_text": ["value"]}', part => 'log');
CREATE TRIGGER erase_only BEFORE UPDATE OR DELETE ON sqm.audit_value
    FOR EACH ROW EXECUTE FUNCTION sqm.erase_only('salt', 'value');
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON sqm.audit_value
    FOR EACH STATEMENT EXECUTE FUNCTION sqm.erase_only();

-- The trigger every governed table carries (doc/core.md):
--   CREATE TRIGGER audit AFTER INSERT OR UPDATE ON sqm.<table>
--       FOR EACH ROW EXECUTE FUNCTION sqm.audit_record('<kind>');
CREATE FUNCTION sqm.audit_record() RETURNS trigger
  AS 'MODULE_PATHNAME', 'sqm_audit_record'
  LANGUAGE C;
COMMENT ON FUNCTION sqm.audit_record() IS
  'Trigger (AFTER INSERT OR UPDATE, FOR EACH ROW, arguments: the kind, and details on a details table or announce on a case table whose new cases go to the outbox): appends a create, move or edit event to the organisation''s audit chain, and the outbox row of an announced new case';

-- How the rows of the trail, its kept values and the outbox went in
-- (src/core/append.c): directly through the executor's row routines, or
-- through SPI (a trigger or rule on INSERT, or sqm.append_through_spi).
CREATE FUNCTION sqm.append_stats() RETURNS TABLE (table_name text, direct bigint, spi bigint)
  AS 'MODULE_PATHNAME', 'sqm_append_stats'
  LANGUAGE C VOLATILE;
COMMENT ON FUNCTION sqm.append_stats() IS
  'Per log table (sqm.audit_event, sqm.audit_value, sqm.outbox), the rows this session appended directly through the executor''s row routines and through SPI';
REVOKE ALL ON FUNCTION sqm.append_stats() FROM PUBLIC;

-- Which columns the audit trigger keeps out of the chain comes from the
-- classes; every session reads them again when they change.
CREATE FUNCTION sqm.audit_invalidate() RETURNS trigger
  AS 'MODULE_PATHNAME', 'sqm_audit_invalidate'
  LANGUAGE C;
COMMENT ON FUNCTION sqm.audit_invalidate() IS
  'Trigger (AFTER … FOR EACH STATEMENT on sqm.column_class): tells every session that the column classes changed, so that the audit trigger reads them again';
CREATE TRIGGER audit_invalidate AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sqm.column_class
    FOR EACH STATEMENT EXECUTE FUNCTION sqm.audit_invalidate();


-- ---------------------------------------------------------------------------
-- Checking the chain.

CREATE FUNCTION sqm.audit_hash(e sqm.audit_event) RETURNS bytea
  AS 'MODULE_PATHNAME', 'sqm_audit_hash'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sqm.audit_hash(sqm.audit_event) IS
  'SHA-256 of an event''s serialisation in the format it records (NULL for a format this version does not know). Format 1: the format as 2 bytes big-endian, then prev_hash, org_id, seq, recorded_at, source, batch, actor, db_role, object_kind, object_id, change, from_state, to_state, before, after, reason, each 00 for NULL or 01 and the value (int8 and timestamptz 8 bytes big-endian, text and bytea a 4-byte big-endian length and the bytes, jsonb its tokens; README "The audit trail"); the same routine the trigger appends with';

-- For each organisation, its first problem -- the first event whose link is
-- broken, else the first kept value that does not match: a seq that does
-- not follow the previous one (an event removed or moved), a prev_hash that is
-- not the previous event's hash (removed, replaced or reordered), a format
-- this version cannot check, a hash that does not match the event's contents
-- in its format (altered), a recorded_at earlier than the previous event's
-- (the clock of the chain ran backwards), or a value kept in sqm.audit_value
-- that is not the one its digest in the event stands for (an erased value is
-- no problem).  One row ok = true when every chain holds.
CREATE FUNCTION sqm.verify_audit(org bigint DEFAULT NULL)
RETURNS TABLE (ok boolean, org_id bigint, seq bigint, problem text)
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    WITH chain AS (
        SELECT e.org_id, e.seq, e.format, e.recorded_at, e.prev_hash, e.hash, sqm.audit_hash(e) AS recomputed,
               lag(e.seq) OVER w AS prev_seq, lag(e.hash) OVER w AS prev_event_hash,
               lag(e.recorded_at) OVER w AS prev_recorded_at
          FROM sqm.audit_event e
         WHERE org IS NULL OR e.org_id OPERATOR(pg_catalog.=) org
        WINDOW w AS (PARTITION BY e.org_id ORDER BY e.seq)
    ), checked AS (
        SELECT c.org_id, c.seq, 0 AS ord,
               CASE
                 WHEN c.seq OPERATOR(pg_catalog.<>) coalesce(c.prev_seq OPERATOR(pg_catalog.+) 1, 1) THEN
                   format('seq: %s follows %s (an event was removed or moved)',
                          c.seq, coalesce(c.prev_seq::text, 'the start of the chain'))
                 WHEN c.prev_hash OPERATOR(pg_catalog.<>)
                      coalesce(c.prev_event_hash, pg_catalog.decode(pg_catalog.repeat('00', 32), 'hex')) THEN
                   format('prev_hash: does not match the hash of %s (an event was removed, replaced or reordered)',
                          coalesce('event ' OPERATOR(pg_catalog.||) c.prev_seq, 'the start'))
                 WHEN c.recomputed IS NULL THEN
                   format('format: %s is not a format this version of sqm can check (the event was altered, or written by a later version)',
                          c.format)
                 WHEN c.hash OPERATOR(pg_catalog.<>) c.recomputed THEN
                   'hash: does not match the event''s contents (the event was altered)'
                 WHEN c.recorded_at OPERATOR(pg_catalog.<) c.prev_recorded_at THEN
                   format('recorded_at: %s is earlier than %s of event %s (the chain''s clock ran backwards)',
                          c.recorded_at, c.prev_recorded_at, c.prev_seq)
               END AS problem
          FROM chain c
        UNION ALL
        SELECT v.org_id, v.seq, 1,
               CASE WHEN e.seq IS NULL THEN
                      format('value: kept for event %s, which is not in the chain', v.seq)
                    ELSE
                      format('value: the kept %s value of column "%s" does not match its digest in the event (the value, its salt or the event was altered)',
                             v.side, v.column_name) END
          FROM sqm.audit_value v
          LEFT JOIN sqm.audit_event e ON e.org_id OPERATOR(pg_catalog.=) v.org_id AND e.seq OPERATOR(pg_catalog.=) v.seq
         WHERE (org IS NULL OR v.org_id OPERATOR(pg_catalog.=) org) AND v.salt IS NOT NULL
           AND ('sha256:' OPERATOR(pg_catalog.||)
                pg_catalog.encode(pg_catalog.sha256(v.salt OPERATOR(pg_catalog.||)
                                                    pg_catalog.convert_to(v.value, pg_catalog.getdatabaseencoding())), 'hex'))
               IS DISTINCT FROM
               CASE v.side WHEN 'before' THEN e.before OPERATOR(pg_catalog.->>) v.column_name
                           WHEN 'after' THEN e.after OPERATOR(pg_catalog.->>) v.column_name
                           ELSE e.reason END
    ), first_broken AS (
        SELECT DISTINCT ON (b.org_id) b.org_id, b.seq, b.problem
          FROM checked b
         WHERE b.problem IS NOT NULL
         ORDER BY b.org_id, b.ord, b.seq
    )
    SELECT false, f.org_id, f.seq, f.problem FROM first_broken f
    UNION ALL
    SELECT true, NULL, NULL, NULL WHERE NOT EXISTS (SELECT FROM first_broken)
    ORDER BY 2;
END;
COMMENT ON FUNCTION sqm.verify_audit(bigint) IS
  'Checks the audit chains (of one organisation, or all): one row per organisation with its first problem (seq, prev_hash, format, hash, recorded_at or value), or one row ok = true; removing the newest events is seen only by comparing with a recorded sqm.audit_head()';

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

-- The trail as auditors read it: each event with the values still kept in
-- sqm.audit_value in place of their digests (an erased value stays a digest).
-- security_invoker: RLS of both tables applies to the reader.
CREATE VIEW sqm.audit_trail WITH (security_invoker = true) AS
SELECT e.org_id, e.seq, e.recorded_at, e.source, e.batch, e.actor, e.db_role,
       e.object_kind, e.object_id, e.change, e.from_state, e.to_state,
       e.before OPERATOR(pg_catalog.||) coalesce(k.before, '{}') AS before,
       e.after OPERATOR(pg_catalog.||) coalesce(k.after, '{}') AS after,
       coalesce(k.reason, e.reason) AS reason
  FROM sqm.audit_event e
  LEFT JOIN LATERAL (
       SELECT pg_catalog.jsonb_object_agg(v.column_name, v.value)
                FILTER (WHERE v.side OPERATOR(pg_catalog.=) 'before') AS before,
              pg_catalog.jsonb_object_agg(v.column_name, v.value)
                FILTER (WHERE v.side OPERATOR(pg_catalog.=) 'after') AS after,
              pg_catalog.max(v.value) FILTER (WHERE v.side OPERATOR(pg_catalog.=) 'reason') AS reason
         FROM sqm.audit_value v
        WHERE v.org_id OPERATOR(pg_catalog.=) e.org_id AND v.seq OPERATOR(pg_catalog.=) e.seq
          AND v.value IS NOT NULL) k ON true;
COMMENT ON VIEW sqm.audit_trail IS
  'The audit trail to read: every event, with the personal data, free text and reason still kept (sqm.audit_value) in place of their digests; erased values stay digests';
REVOKE ALL ON sqm.audit_trail FROM PUBLIC;

REVOKE ALL ON FUNCTION
    sqm.audit_record(), sqm.audit_invalidate(), sqm.verify_audit(bigint), sqm.audit_head(bigint)
FROM PUBLIC;
