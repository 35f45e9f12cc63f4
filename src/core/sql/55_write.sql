-- The one write path every kind's API goes through (doc/core.md, "Writing").
-- C in src/core/write.c; authorisation in src/core/access.c.
--
-- Every API function is SECURITY DEFINER with a pinned search_path: it runs as
-- the extension owner and checks its arguments; the write path authorises the
-- caller and writes.  Moves and edits are compare-and-set: the caller names
-- the state it expects to leave; if the object is elsewhere the call fails
-- with SQ003 and changes nothing.  The capability a write needs comes only
-- from the lifecycle data: a move's from sqm.lifecycle_move, an edit's (a
-- write that stays in its state) from the kind's "edit" action in
-- sqm.lifecycle_action, and a column with an "edit" action of its own adds
-- that capability to any write naming it.  Who holds a capability is the
-- organisation's delegation order.  The lifecycle engine and the audit trail
-- see every write.
--
-- Errors of authorisation say nothing about objects the caller may not act
-- on: 42501 when the caller holds the capability nowhere in the organisation,
-- else 42704 "no <kind> N that you may <verb>" -- the same SQLSTATE, message
-- and detail whether the object exists or not.  Nothing is locked before the
-- caller is authorised.

CREATE FUNCTION sqm.write(kind text, org bigint, id bigint, expected_state text, new_state text,
                          changes jsonb DEFAULT '{}', reason text DEFAULT NULL)
RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_write' LANGUAGE C;
COMMENT ON FUNCTION sqm.write(text, bigint, bigint, text, text, jsonb, text) IS
  'Internal: the compare-and-set write of the API. Authorises the caller (the move''s capability, or the kind''s edit capability when new_state = expected_state, and the capabilities of the columns written), then writes the columns named in changes (of the case row and of its details row, details first; values as text, read by each column''s input function) and the new state, with the reason for the audit trail. 42501, 42704, SQ003 as for every API call';

CREATE FUNCTION sqm.move_object(kind text, org bigint, id bigint, expected_state text, new_state text,
                                reason text DEFAULT NULL)
RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_move_object' LANGUAGE C;
COMMENT ON FUNCTION sqm.move_object(text, bigint, bigint, text, text, text) IS
  'Move a case that needs no data for the move from the state the caller expects to a new one (compare-and-set), with the capability the lifecycle names; the write path of sqm.write';

CREATE FUNCTION sqm.authorize_write(kind text, org bigint, id bigint, expected_state text, new_state text)
RETURNS bigint
  AS 'MODULE_PATHNAME', 'sqm_authorize_write' LANGUAGE C;
COMMENT ON FUNCTION sqm.authorize_write(text, bigint, bigint, text, text) IS
  'Internal: authorise the caller as sqm.write would for that move or edit, before an API function reads what the write needs; returns the case''s unit';

CREATE FUNCTION sqm.authorize_object(kind text, org bigint, id bigint, action text, for_kind text DEFAULT NULL)
RETURNS bigint
  AS 'MODULE_PATHNAME', 'sqm_authorize_object' LANGUAGE C;
COMMENT ON FUNCTION sqm.authorize_object(text, bigint, bigint, text, text) IS
  'Internal: authorise an action (sqm.lifecycle_action) of kind -- or of for_kind, e.g. the create action of a kind whose cases are decided for a case of another -- on a case of kind; returns the case''s unit. 42501 / 42704 as for every write';

CREATE FUNCTION sqm.authorize_create(kind text, org bigint, unit bigint)
RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_authorize_create' LANGUAGE C;
COMMENT ON FUNCTION sqm.authorize_create(text, bigint, bigint) IS
  'Internal: 42501 unless the caller has the capability of the kind''s create action for the unit (NULL: the whole organisation), whether or not the unit exists';

CREATE FUNCTION sqm.write_cache_stats()
RETURNS TABLE (prepares bigint, hits bigint)
  AS 'MODULE_PATHNAME', 'sqm_write_cache_stats' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION sqm.write_cache_stats() IS
  'This session''s kept plans of the write path (per table and set of columns): how many were prepared and how many uses found one kept';

REVOKE ALL ON FUNCTION
    sqm.write(text, bigint, bigint, text, text, jsonb, text), sqm.move_object(text, bigint, bigint, text, text, text),
    sqm.authorize_write(text, bigint, bigint, text, text), sqm.authorize_object(text, bigint, bigint, text, text),
    sqm.authorize_create(text, bigint, bigint), sqm.write_cache_stats()
FROM PUBLIC;
SELECT sqm.grant_privilege('core', 'EXECUTE ON FUNCTION sqm.move_object(text, bigint, bigint, text, text, text),
    sqm.allowed_moves(text, text), sqm.move_capability(text, text, text)', '{handlers}');
