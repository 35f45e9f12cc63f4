-- Organisations and their units, with history (domain.md §2).
--
-- An organisation is the tenant: its id is part of every key, and nothing (unit
-- names, registry numbers) is unique across organisations.  Units form a
-- hierarchy administration → department → unit that changes over time: each
-- unit has versions (validity, name, parent) that never overlap, and
-- succession links (merge, split, re-attribution) say which unit holds a
-- unit's history from a given day.  History is never deleted: a unit ends, it
-- does not vanish.
--
-- The tables are reference data: ordinary roles get no privileges on them; the
-- functions below are the way to change them, and the triggers hold the rules
-- for every writer, including a superuser writing directly.

CREATE SEQUENCE sqm.organisation_id_seq;
CREATE SEQUENCE sqm.unit_id_seq;

CREATE TABLE sqm.organisation (
    org_id              bigint PRIMARY KEY DEFAULT pg_catalog.nextval('sqm.organisation_id_seq'),
    name                text NOT NULL CHECK (pg_catalog.btrim(name) OPERATOR(pg_catalog.<>) ''),
    code                text NOT NULL CHECK (code OPERATOR(pg_catalog.~) '^[A-ZÅÄÖ]{1,8}$'),
    quality_year_start  integer NOT NULL DEFAULT 1 CHECK (quality_year_start BETWEEN 1 AND 12),
    time_zone           text NOT NULL DEFAULT 'Europe/Stockholm'
                        CHECK (pg_catalog.timezone(time_zone, '2000-01-01 00:00+00'::timestamptz) IS NOT NULL),
    label_language      text NOT NULL DEFAULT 'sv' CHECK (label_language IN ('sv', 'en')),
    -- bumped by every change of the unit hierarchy: serialises such changes per
    -- organisation (see sqm.unit_version_check) and tells caches what changed
    hierarchy_revision  bigint NOT NULL DEFAULT 0,
    -- writers NOTIFY sqm_org_<org_id> themselves as they commit (README
    -- "Notifications": this serialises the commits of every notifying
    -- transaction in the cluster); default: sqm.dispatch() notifies
    notify_immediately  boolean NOT NULL DEFAULT false
);
ALTER SEQUENCE sqm.organisation_id_seq OWNED BY sqm.organisation.org_id;

CREATE TABLE sqm.unit (
    org_id   bigint NOT NULL REFERENCES sqm.organisation,
    unit_id  bigint NOT NULL DEFAULT pg_catalog.nextval('sqm.unit_id_seq'),
    kind     text NOT NULL CHECK (kind IN ('administration', 'department', 'unit')),
    PRIMARY KEY (org_id, unit_id)
);
ALTER SEQUENCE sqm.unit_id_seq OWNED BY sqm.unit.unit_id;

CREATE TABLE sqm.unit_version (
    org_id     bigint NOT NULL,
    unit_id    bigint NOT NULL,
    valid      daterange NOT NULL
               CHECK (NOT pg_catalog.isempty(valid) AND NOT pg_catalog.lower_inf(valid)),
    name       text NOT NULL CHECK (pg_catalog.btrim(name) OPERATOR(pg_catalog.<>) ''),
    parent_id  bigint,
    PRIMARY KEY (org_id, unit_id, valid),
    FOREIGN KEY (org_id, unit_id) REFERENCES sqm.unit,
    FOREIGN KEY (org_id, parent_id) REFERENCES sqm.unit,
    CHECK (parent_id OPERATOR(pg_catalog.<>) unit_id),
    -- a unit is one thing at a time (unit_id is unique across organisations,
    -- so the range of the id alone is a sound equality key for GiST)
    EXCLUDE USING gist (pg_catalog.int8range(unit_id, unit_id, '[]') WITH OPERATOR(pg_catalog.=),
                        valid WITH OPERATOR(pg_catalog.&&))
);
CREATE INDEX unit_version_parent_idx ON sqm.unit_version (org_id, parent_id);

CREATE TABLE sqm.unit_succession (
    org_id           bigint NOT NULL,
    predecessor_id   bigint NOT NULL,
    successor_id     bigint NOT NULL,
    effective        date NOT NULL CHECK (pg_catalog.isfinite(effective)),
    kind             text NOT NULL CHECK (kind IN ('merge', 'split', 'reattribution')),
    carries_history  boolean NOT NULL DEFAULT true,
    PRIMARY KEY (org_id, predecessor_id, successor_id),
    FOREIGN KEY (org_id, predecessor_id) REFERENCES sqm.unit,
    FOREIGN KEY (org_id, successor_id) REFERENCES sqm.unit,
    CHECK (predecessor_id OPERATOR(pg_catalog.<>) successor_id)
);
-- A unit's history goes to one place (a split names the part that takes it).
CREATE UNIQUE INDEX unit_succession_history_idx
    ON sqm.unit_succession (org_id, predecessor_id) WHERE carries_history;

COMMENT ON TABLE sqm.organisation IS
  'An organisation (tenant) doing systematic quality work: a social-services administration under its committee';
COMMENT ON COLUMN sqm.organisation.org_id IS 'Organisation id; part of every key in sqm';
COMMENT ON COLUMN sqm.organisation.name IS 'Name, e.g. Socialförvaltningen, Alingsås kommun';
COMMENT ON COLUMN sqm.organisation.code IS 'Short code of the registering body, as used in registry numbers (e.g. SN)';
COMMENT ON COLUMN sqm.organisation.quality_year_start IS
  'Month its quality year starts: 1 for calendar years, e.g. 9 for September–August';
COMMENT ON COLUMN sqm.organisation.time_zone IS 'Time zone in which events are placed in days and periods';
COMMENT ON COLUMN sqm.organisation.label_language IS 'Default language of labels in statistics: sv or en';
COMMENT ON COLUMN sqm.organisation.hierarchy_revision IS
  'Counter bumped by every change of the unit hierarchy (serialises such changes, versions caches)';
COMMENT ON COLUMN sqm.organisation.notify_immediately IS
  'Whether writers send NOTIFY sqm_org_<org_id> themselves at commit (sqm.set_notify_immediately); false: sqm.dispatch() notifies, and writers send none';
COMMENT ON TABLE sqm.unit IS 'A unit of an organisation: administration, department or unit; its names and place over time are in sqm.unit_version';
COMMENT ON COLUMN sqm.unit.kind IS 'administration, department or unit; a parent is never of a lower kind';
COMMENT ON TABLE sqm.unit_version IS
  'What a unit was called and where it sat in the hierarchy, for each period of validity (never overlapping for one unit)';
COMMENT ON COLUMN sqm.unit_version.valid IS 'Days this version is valid: [first day, day after last day); open-ended while current';
COMMENT ON COLUMN sqm.unit_version.parent_id IS 'Parent unit during this version; NULL at the top';
COMMENT ON TABLE sqm.unit_succession IS
  'Successor links: from "effective" on, the successor holds the predecessor''s history (merge, split, re-attribution)';
COMMENT ON COLUMN sqm.unit_succession.effective IS 'First day on which the successor holds the predecessor''s items';
COMMENT ON COLUMN sqm.unit_succession.carries_history IS
  'Whether the predecessor''s items are attributed to this successor (exactly one successor per predecessor may)';

REVOKE ALL ON sqm.organisation, sqm.unit, sqm.unit_version, sqm.unit_succession FROM PUBLIC;
REVOKE ALL ON SEQUENCE sqm.organisation_id_seq, sqm.unit_id_seq FROM PUBLIC;

-- pg_dump keeps what users put into extension tables only when told to.
SELECT pg_catalog.pg_extension_config_dump('sqm.organisation', '');
SELECT pg_catalog.pg_extension_config_dump('sqm.organisation_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('sqm.unit', '');
SELECT pg_catalog.pg_extension_config_dump('sqm.unit_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('sqm.unit_version', '');
SELECT pg_catalog.pg_extension_config_dump('sqm.unit_succession', '');

-- Column classes (src/core/sql/10_classes.sql).
SELECT sqm.classify('sqm.organisation', '{"internal": ["org_id", "hierarchy_revision"],
    "statistic": ["name", "code", "quality_year_start", "time_zone", "label_language", "notify_immediately"]}');
SELECT sqm.classify('sqm.unit', '{"internal": ["org_id"], "statistic": ["unit_id", "kind"]}');
SELECT sqm.classify('sqm.unit_version', '{"internal": ["org_id"], "statistic": ["unit_id", "valid", "name", "parent_id"]}');
SELECT sqm.classify('sqm.unit_succession', '{"internal": ["org_id"],
    "statistic": ["predecessor_id", "successor_id", "effective", "kind", "carries_history"]}');


-- ---------------------------------------------------------------------------
-- Rules, enforced for every writer.

-- Rank of a unit kind: a parent's rank is never below its child's.
-- No SET search_path: the per-unit views sort every row by it, and a SQL
-- function with a SET clause is never inlined -- it was a call per row,
-- about 3 µs each (design.md §3b).  Its body is parsed when it is created
-- (a SQL-standard body), so the caller's search_path cannot reach it.
CREATE FUNCTION sqm.unit_kind_rank(kind text) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE kind WHEN 'administration' THEN 3 WHEN 'department' THEN 2 WHEN 'unit' THEN 1 END;
COMMENT ON FUNCTION sqm.unit_kind_rank(text) IS
  'Rank of a unit kind (administration 3, department 2, unit 1); a parent never ranks below its child';

-- Checks a new or changed unit version: one change of the hierarchy at a time
-- per organisation, no overlap with the unit's other versions, a name unique
-- among the organisation's units at the same time, a parent of the same
-- organisation that existed throughout and ranks at least as high, no cycle,
-- and children and successors that still fit.
CREATE FUNCTION sqm.unit_version_check() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    clash       record;
    child_kind  text;
    parent_kind text;
    uncovered   datemultirange;
    walk        record;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'versions of unit % are never deleted', OLD.unit_id
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('The version valid %s would vanish from the history of organisation %s.', OLD.valid, OLD.org_id),
                  HINT = 'End the unit with sqm.end_unit() instead.';
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.org_id, NEW.unit_id) IS DISTINCT FROM (OLD.org_id, OLD.unit_id) THEN
        RAISE EXCEPTION 'a version of unit % cannot be moved to another unit', OLD.unit_id
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Create a new unit and link it with sqm.link_successor().';
    END IF;

    -- One hierarchy change at a time per organisation; under REPEATABLE READ a
    -- concurrent change makes this fail with a serialisation error.
    UPDATE sqm.organisation SET hierarchy_revision = hierarchy_revision + 1
     WHERE org_id = NEW.org_id;

    SELECT v.valid INTO clash
      FROM sqm.unit_version v
     WHERE v.org_id = NEW.org_id AND v.unit_id = NEW.unit_id AND v.valid && NEW.valid
       AND (TG_OP = 'INSERT' OR v.valid <> OLD.valid)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'validity of unit % overlaps one of its versions', NEW.unit_id
            USING ERRCODE = 'exclusion_violation',
                  DETAIL = format('The new version is valid %s; an existing version is valid %s.', NEW.valid, clash.valid),
                  HINT = 'A unit is one thing at a time: end the current version first (sqm.rename_unit and sqm.move_unit do this).';
    END IF;

    SELECT v.unit_id, v.valid INTO clash
      FROM sqm.unit_version v
     WHERE v.org_id = NEW.org_id AND v.unit_id <> NEW.unit_id
       AND lower(v.name) = lower(NEW.name) AND v.valid && NEW.valid
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'unit name "%" is already in use in organisation %', NEW.name, NEW.org_id
            USING ERRCODE = 'unique_violation',
                  DETAIL = format('Unit %s is called "%s" during %s, which overlaps %s.', clash.unit_id, NEW.name, clash.valid, NEW.valid),
                  HINT = 'Choose another name, or end or rename the other unit first.';
    END IF;

    IF NEW.parent_id = NEW.unit_id THEN
        RAISE EXCEPTION 'unit % cannot be its own parent', NEW.unit_id
            USING ERRCODE = 'check_violation',
                  HINT = 'Choose a parent above the unit.';
    END IF;
    IF NEW.parent_id IS NOT NULL THEN
        SELECT kind INTO parent_kind FROM sqm.unit WHERE org_id = NEW.org_id AND unit_id = NEW.parent_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'parent unit % does not belong to organisation %', NEW.parent_id, NEW.org_id
                USING ERRCODE = 'foreign_key_violation',
                      DETAIL = coalesce((SELECT format('Unit %s is in organisation %s.', u.unit_id, u.org_id)
                                           FROM sqm.unit u WHERE u.unit_id = NEW.parent_id),
                                        format('There is no unit %s.', NEW.parent_id)),
                      HINT = 'A unit''s parent must be a unit of the same organisation.';
        END IF;
        SELECT kind INTO child_kind FROM sqm.unit WHERE org_id = NEW.org_id AND unit_id = NEW.unit_id;
        IF sqm.unit_kind_rank(parent_kind) < sqm.unit_kind_rank(child_kind) THEN
            RAISE EXCEPTION 'unit % (%) cannot be placed under unit % (%)', NEW.unit_id, child_kind, NEW.parent_id, parent_kind
                USING ERRCODE = 'check_violation',
                      DETAIL = 'The hierarchy runs administration → department → unit; a parent never ranks below its child.',
                      HINT = 'Choose a parent of the same or a higher kind.';
        END IF;
        SELECT datemultirange(NEW.valid) - coalesce(range_agg(p.valid), '{}') INTO uncovered
          FROM sqm.unit_version p
         WHERE p.org_id = NEW.org_id AND p.unit_id = NEW.parent_id;
        IF NOT isempty(uncovered) THEN
            RAISE EXCEPTION 'parent unit % did not exist throughout the validity of unit %', NEW.parent_id, NEW.unit_id
                USING ERRCODE = 'foreign_key_violation',
                      DETAIL = format('Unit %s is valid %s but its parent did not exist during %s.', NEW.unit_id, NEW.valid, uncovered),
                      HINT = 'Choose a parent that exists for the whole period, or shorten the period.';
        END IF;
        -- Walk up from the parent, on the days the new version is valid; reaching
        -- the unit itself means a cycle.
        FOR walk IN
            WITH RECURSIVE up(unit_id, valid, depth) AS (
                SELECT NEW.parent_id, NEW.valid, 1
                UNION ALL
                SELECT v.parent_id, up.valid * v.valid, up.depth + 1
                  FROM up JOIN sqm.unit_version v
                    ON v.org_id = NEW.org_id AND v.unit_id = up.unit_id AND v.valid && up.valid
                 WHERE v.parent_id IS NOT NULL AND up.unit_id <> NEW.unit_id AND up.depth < 100
            )
            SELECT up.valid FROM up WHERE up.unit_id = NEW.unit_id LIMIT 1
        LOOP
            RAISE EXCEPTION 'placing unit % under unit % would make a cycle in the hierarchy', NEW.unit_id, NEW.parent_id
                USING ERRCODE = 'check_violation',
                      DETAIL = format('During %s unit %s would be its own ancestor.', walk.valid, NEW.unit_id),
                      HINT = 'Choose a parent that is not below this unit.';
        END LOOP;
    END IF;

    RETURN NEW;
END
$$;
COMMENT ON FUNCTION sqm.unit_version_check() IS
  'Trigger: the rules of the unit hierarchy (no overlap, unique names at a time, same-organisation parent that exists throughout and ranks at least as high, no cycles, nothing deleted)';

CREATE TRIGGER unit_version_check BEFORE INSERT OR UPDATE OR DELETE ON sqm.unit_version
    FOR EACH ROW EXECUTE FUNCTION sqm.unit_version_check();

-- After a unit's version is shortened, the units under it must still have it as
-- parent throughout.  Deferrable, because sqm.change_unit shortens a version
-- before it inserts the one that continues it; a reorganisation that ends a
-- department and moves its units elsewhere runs in one transaction with
-- SET CONSTRAINTS sqm.unit_children_check DEFERRED.
CREATE FUNCTION sqm.unit_children_check() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    orphan record;
BEGIN
    SELECT c.unit_id, datemultirange(c.valid) - coalesce(p.lifetime, '{}') AS uncovered INTO orphan
      FROM sqm.unit_version c
      LEFT JOIN LATERAL (SELECT range_agg(v.valid) AS lifetime FROM sqm.unit_version v
                          WHERE v.org_id = NEW.org_id AND v.unit_id = NEW.unit_id) p ON true
     WHERE c.org_id = NEW.org_id AND c.parent_id = NEW.unit_id AND c.valid && OLD.valid
       AND NOT isempty(datemultirange(c.valid) - coalesce(p.lifetime, '{}'))
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'unit % still has unit % under it during %', NEW.unit_id, orphan.unit_id, orphan.uncovered
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = format('Unit %s of organisation %s would not exist then.', NEW.unit_id, NEW.org_id),
                  HINT = 'Move or end the units under it first.';
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION sqm.unit_children_check() IS
  'Constraint trigger: a unit whose version is shortened must still be there for the units under it';

CREATE CONSTRAINT TRIGGER unit_children_check AFTER UPDATE ON sqm.unit_version
    DEFERRABLE INITIALLY IMMEDIATE
    FOR EACH ROW EXECUTE FUNCTION sqm.unit_children_check();

-- Checks a succession link: both units existed at the change, merges and
-- splits end the predecessor, and following links never comes back.
CREATE FUNCTION sqm.unit_succession_check() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION 'succession links are never changed or deleted'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('Unit %s was succeeded by unit %s from %s.', OLD.predecessor_id, OLD.successor_id, OLD.effective),
                  HINT = 'Record a new link from the successor instead.';
    END IF;
    UPDATE sqm.organisation SET hierarchy_revision = hierarchy_revision + 1
     WHERE org_id = NEW.org_id;

    IF NOT EXISTS (SELECT FROM sqm.unit_version v WHERE v.org_id = NEW.org_id AND v.unit_id = NEW.successor_id
                      AND v.valid @> NEW.effective) THEN
        RAISE EXCEPTION 'successor unit % did not exist on %', NEW.successor_id, NEW.effective
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = format('Unit %s of organisation %s is valid %s.', NEW.successor_id, NEW.org_id,
                                  coalesce((SELECT range_agg(valid)::text FROM sqm.unit_version
                                             WHERE org_id = NEW.org_id AND unit_id = NEW.successor_id), 'never')),
                  HINT = 'A successor must exist on the day it takes over.';
    END IF;
    IF NOT EXISTS (SELECT FROM sqm.unit_version v WHERE v.org_id = NEW.org_id AND v.unit_id = NEW.predecessor_id
                      AND v.valid @> (NEW.effective - 1)) THEN
        RAISE EXCEPTION 'predecessor unit % did not exist on the day before %', NEW.predecessor_id, NEW.effective
            USING ERRCODE = 'foreign_key_violation',
                  HINT = 'A link starts the day after the predecessor''s last day as it was.';
    END IF;
    IF NEW.kind IN ('merge', 'split') AND EXISTS (
            SELECT FROM sqm.unit_version v WHERE v.org_id = NEW.org_id AND v.unit_id = NEW.predecessor_id
               AND v.valid && daterange(NEW.effective, NULL)) THEN
        RAISE EXCEPTION 'unit % still exists on %, so it cannot have been %', NEW.predecessor_id, NEW.effective,
                        CASE NEW.kind WHEN 'merge' THEN 'merged' ELSE 'split' END
            USING ERRCODE = 'check_violation',
                  HINT = 'End the unit with sqm.end_unit() first, or record a re-attribution.';
    END IF;
    IF NEW.carries_history AND sqm.unit_successor(NEW.org_id, NEW.successor_id, 'infinity') = NEW.predecessor_id THEN
        RAISE EXCEPTION 'linking unit % to unit % would make a cycle of successors', NEW.predecessor_id, NEW.successor_id
            USING ERRCODE = 'check_violation',
                  HINT = 'A unit''s history cannot come back to it.';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION sqm.unit_succession_check() IS
  'Trigger: the rules of succession links (both units existed at the change, merge/split end the predecessor, no cycles, never changed)';

CREATE TRIGGER unit_succession_check BEFORE INSERT OR UPDATE OR DELETE ON sqm.unit_succession
    FOR EACH ROW EXECUTE FUNCTION sqm.unit_succession_check();

-- Row checks place events in days in the organisation's time zone and ask
-- which units existed then (src/core/reference.c): they cache both, and these
-- triggers tell every session when either changes.  (The hierarchy revision
-- bumped on every change of units is no reason to reload the time zones.)
CREATE TRIGGER reference_changed AFTER INSERT OR UPDATE OF time_zone, notify_immediately OR DELETE OR TRUNCATE ON sqm.organisation
    FOR EACH STATEMENT EXECUTE FUNCTION sqm.reference_changed();
CREATE TRIGGER reference_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sqm.unit_version
    FOR EACH STATEMENT EXECUTE FUNCTION sqm.reference_changed();

-- A unit's kind and organisation are fixed and its history is kept: end a unit
-- with sqm.end_unit() and create a new one.
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON sqm.unit
    FOR EACH ROW EXECUTE FUNCTION sqm.append_only();
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON sqm.unit
    FOR EACH STATEMENT EXECUTE FUNCTION sqm.append_only();


-- ---------------------------------------------------------------------------
-- Reading the organisation.

-- The unit an item of a unit, dated item_day, is attributed to on as_of:
-- follow the succession links that took effect after the item and by as_of
-- (in order of their dates); the unit itself when there are none.  An item
-- dated on or after a re-attribution stays with the unit it was recorded for.
CREATE FUNCTION sqm.unit_attribution(org bigint, unit bigint, item_day date, as_of date) RETURNS bigint
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    WITH RECURSIVE chain(unit_id, effective, depth) AS (
        SELECT unit, item_day, 0
        UNION ALL
        SELECT s.successor_id, s.effective, chain.depth + 1
          FROM chain JOIN sqm.unit_succession s
            ON s.org_id = org AND s.predecessor_id = chain.unit_id AND s.carries_history
         WHERE s.effective <= as_of AND s.effective > item_day AND s.effective >= chain.effective
           AND chain.depth < 100
    )
    SELECT chain.unit_id FROM chain
     WHERE EXISTS (SELECT FROM sqm.unit u WHERE u.org_id = org AND u.unit_id = unit)
     ORDER BY depth DESC LIMIT 1;
END;
COMMENT ON FUNCTION sqm.unit_attribution(bigint, bigint, date, date) IS
  'The unit an item recorded for a unit on item_day counts under on as_of, following succession links that took effect after the item; the unit itself if none';

-- The unit that holds a unit's history on a date.
CREATE FUNCTION sqm.unit_successor(org bigint, unit bigint, as_of date) RETURNS bigint
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN sqm.unit_attribution(org, unit, '-infinity', as_of);
COMMENT ON FUNCTION sqm.unit_successor(bigint, bigint, date) IS
  'The unit holding a unit''s history on a date (following merge, split and re-attribution links); the unit itself if it has no successor by then; NULL if the unit is not in the organisation';

CREATE FUNCTION sqm.unit_existed(org bigint, unit bigint, during sqm.period) RETURNS boolean
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT EXISTS (SELECT FROM sqm.unit_version v
                    WHERE v.org_id = org AND v.unit_id = unit AND v.valid && sqm.to_daterange(during));
END;
COMMENT ON FUNCTION sqm.unit_existed(bigint, bigint, sqm.period) IS
  'Whether the unit existed on at least one day of the period';

CREATE FUNCTION sqm.unit_name(org bigint, unit bigint, as_of date) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT v.name FROM sqm.unit_version v
     WHERE v.org_id = org AND v.unit_id = unit AND v.valid @> as_of;
END;
COMMENT ON FUNCTION sqm.unit_name(bigint, bigint, date) IS
  'The unit''s name on a date; NULL if it did not exist then';

CREATE FUNCTION sqm.unit_hierarchy(org bigint, as_of date)
RETURNS TABLE (unit_id bigint, kind text, name text, parent_id bigint, depth integer, path text)
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    WITH RECURSIVE now_valid AS (
        SELECT v.unit_id, u.kind, v.name, v.parent_id
          FROM sqm.unit_version v JOIN sqm.unit u USING (org_id, unit_id)
         WHERE v.org_id = org AND v.valid @> as_of
    ), tree AS (
        SELECT n.unit_id, n.kind, n.name, n.parent_id, 0 AS depth, n.name AS path
          FROM now_valid n WHERE n.parent_id IS NULL
        UNION ALL
        SELECT n.unit_id, n.kind, n.name, n.parent_id, t.depth + 1, t.path || ' / ' || n.name
          FROM tree t JOIN now_valid n ON n.parent_id = t.unit_id
         WHERE t.depth < 100
    )
    SELECT tree.unit_id, tree.kind, tree.name, tree.parent_id, tree.depth, tree.path
      FROM tree ORDER BY tree.path COLLATE "C";
END;
COMMENT ON FUNCTION sqm.unit_hierarchy(bigint, date) IS
  'The organisation''s hierarchy as it was on a date: one row per unit, with its depth and path from the top';

CREATE FUNCTION sqm.quality_year(org bigint, day date) RETURNS sqm.period
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT sqm.period_of('quality_year', day, o.quality_year_start)
      FROM sqm.organisation o WHERE o.org_id = org;
END;
COMMENT ON FUNCTION sqm.quality_year(bigint, date) IS
  'The organisation''s quality year containing a date (a calendar year where the quality year starts in January)';

CREATE FUNCTION sqm.quality_year(org bigint, at timestamptz) RETURNS sqm.period
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT sqm.period_of('quality_year', at, o.time_zone, o.quality_year_start)
      FROM sqm.organisation o WHERE o.org_id = org;
END;
COMMENT ON FUNCTION sqm.quality_year(bigint, timestamptz) IS
  'The organisation''s quality year containing a moment, placed in the organisation''s time zone';


-- ---------------------------------------------------------------------------
-- Changing the organisation.  Each function checks its input and names the
-- object in its errors; the triggers above hold the rules for every writer.

CREATE FUNCTION sqm.create_organisation(name text, code text, quality_year_start integer DEFAULT 1,
                                        time_zone text DEFAULT 'Europe/Stockholm',
                                        label_language text DEFAULT 'sv')
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    id bigint;
BEGIN
    IF name IS NULL OR btrim(name) = '' THEN
        RAISE EXCEPTION 'an organisation needs a name'
            USING ERRCODE = 'not_null_violation';
    END IF;
    IF code IS NULL OR code !~ '^[A-ZÅÄÖ]{1,8}$' THEN
        RAISE EXCEPTION 'invalid code "%" for organisation "%"', code, name
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'The code is the registering body in registry numbers: 1 to 8 capital letters A–Ö.',
                  HINT = 'Use the committee''s abbreviation, e.g. SN.';
    END IF;
    IF quality_year_start IS NULL OR quality_year_start NOT BETWEEN 1 AND 12 THEN
        RAISE EXCEPTION 'quality year of organisation "%" cannot start in month %', name, quality_year_start
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give the month as 1 to 12: 1 for calendar years, e.g. 9 for September–August.';
    END IF;
    IF time_zone IS NULL OR NOT EXISTS (SELECT FROM pg_timezone_names z WHERE z.name = time_zone) THEN
        RAISE EXCEPTION 'unknown time zone "%" for organisation "%"', time_zone, name
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use a name from pg_timezone_names, e.g. Europe/Stockholm.';
    END IF;
    IF label_language IS NULL OR label_language NOT IN ('sv', 'en') THEN
        RAISE EXCEPTION 'unsupported label language "%" for organisation "%"', label_language, name
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Labels exist in sv (Swedish) and en (English).';
    END IF;
    INSERT INTO sqm.organisation (name, code, quality_year_start, time_zone, label_language)
    VALUES (create_organisation.name, create_organisation.code, create_organisation.quality_year_start,
            create_organisation.time_zone, create_organisation.label_language)
    RETURNING org_id INTO id;
    RETURN id;
END
$$;
COMMENT ON FUNCTION sqm.create_organisation(text, text, integer, text, text) IS
  'Create an organisation; returns its id';

-- Shared by the functions below: the organisation and unit must exist.
CREATE FUNCTION sqm.unit_kind_of(org bigint, unit bigint) RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    k text;
BEGIN
    SELECT u.kind INTO k FROM sqm.unit u WHERE u.org_id = org AND u.unit_id = unit;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unit % does not exist in organisation %', unit, org
            USING ERRCODE = 'undefined_object',
                  HINT = 'List the organisation''s units with sqm.unit_hierarchy().';
    END IF;
    RETURN k;
END
$$;
COMMENT ON FUNCTION sqm.unit_kind_of(bigint, bigint) IS
  'The kind of a unit of an organisation; raises undefined_object if there is no such unit';

CREATE FUNCTION sqm.create_unit(org bigint, name text, kind text, valid_from date, parent bigint DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    id bigint;
BEGIN
    IF NOT EXISTS (SELECT FROM sqm.organisation o WHERE o.org_id = org) THEN
        RAISE EXCEPTION 'organisation % does not exist', org
            USING ERRCODE = 'undefined_object',
                  HINT = 'Create it with sqm.create_organisation().';
    END IF;
    IF name IS NULL OR btrim(name) = '' THEN
        RAISE EXCEPTION 'a unit of organisation % needs a name', org
            USING ERRCODE = 'not_null_violation';
    END IF;
    IF kind IS NULL OR kind NOT IN ('administration', 'department', 'unit') THEN
        RAISE EXCEPTION 'unknown unit kind "%" for unit "%"', kind, name
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'The kinds are administration, department and unit.';
    END IF;
    IF valid_from IS NULL OR NOT isfinite(valid_from) THEN
        RAISE EXCEPTION 'unit "%" needs a first day', name
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give the date from which the unit exists.';
    END IF;
    IF parent IS NOT NULL AND NOT EXISTS (SELECT FROM sqm.unit u WHERE u.org_id = org AND u.unit_id = parent) THEN
        RAISE EXCEPTION 'parent unit % does not belong to organisation %', parent, org
            USING ERRCODE = 'foreign_key_violation',
                  HINT = 'A unit''s parent must be a unit of the same organisation.';
    END IF;
    INSERT INTO sqm.unit (org_id, kind) VALUES (org, create_unit.kind) RETURNING unit_id INTO id;
    INSERT INTO sqm.unit_version (org_id, unit_id, valid, name, parent_id)
    VALUES (org, id, daterange(valid_from, NULL), create_unit.name, parent);
    RETURN id;
END
$$;
COMMENT ON FUNCTION sqm.create_unit(bigint, text, text, date, bigint) IS
  'Create a unit (administration, department or unit) existing from a date, optionally under a parent; returns its id';

-- Starts a new version of a unit from a date, with a new name or parent; the
-- version it cuts short keeps the earlier state in the history.  It shortens
-- the old version before inserting the new one, so the check that units under
-- it are still covered is deferred to the end of the transaction (which in
-- autocommit is the end of the call).
CREATE FUNCTION sqm.change_unit(org bigint, unit bigint, effective date,
                                new_name text, set_parent boolean, new_parent bigint)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cur sqm.unit_version;
BEGIN
    PERFORM sqm.unit_kind_of(org, unit);
    IF new_name IS NOT NULL AND btrim(new_name) = '' THEN
        RAISE EXCEPTION 'unit % of organisation % needs a name', unit, org
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give the new name.';
    END IF;
    IF effective IS NULL OR NOT isfinite(effective) THEN
        RAISE EXCEPTION 'a change of unit % of organisation % needs the day it takes effect', unit, org
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO cur FROM sqm.unit_version v
     WHERE v.org_id = org AND v.unit_id = unit AND v.valid @> effective;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unit % of organisation % does not exist on %', unit, org, effective
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Choose a date on which the unit exists.';
    END IF;
    IF lower(cur.valid) = effective THEN
        RAISE EXCEPTION 'unit % of organisation % already starts a version on %', unit, org, effective
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A change takes effect on a later day than the version it changes, so that the earlier state stays in the history.',
                  HINT = 'Choose a later date.';
    END IF;
    SET CONSTRAINTS sqm.unit_children_check DEFERRED;
    UPDATE sqm.unit_version v SET valid = daterange(lower(cur.valid), effective)
     WHERE v.org_id = org AND v.unit_id = unit AND v.valid = cur.valid;
    INSERT INTO sqm.unit_version (org_id, unit_id, valid, name, parent_id)
    VALUES (org, unit, daterange(effective, upper(cur.valid)), coalesce(new_name, cur.name),
            CASE WHEN set_parent THEN new_parent ELSE cur.parent_id END);
END
$$;
COMMENT ON FUNCTION sqm.change_unit(bigint, bigint, date, text, boolean, bigint) IS
  'Start a new version of a unit on a date with a new name (NULL: unchanged) and/or parent; sqm.rename_unit and sqm.move_unit call it';

CREATE FUNCTION sqm.rename_unit(org bigint, unit bigint, new_name text, effective date)
RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT sqm.change_unit(org, unit, effective, coalesce(new_name, ''), false, NULL);
END;
COMMENT ON FUNCTION sqm.rename_unit(bigint, bigint, text, date) IS
  'Rename a unit from a date on; the old name stays in the history';

CREATE FUNCTION sqm.move_unit(org bigint, unit bigint, new_parent bigint, effective date)
RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT sqm.change_unit(org, unit, effective, NULL, true, new_parent);
END;
COMMENT ON FUNCTION sqm.move_unit(bigint, bigint, bigint, date) IS
  'Place a unit under another parent (NULL: at the top) from a date on';

CREATE FUNCTION sqm.end_unit(org bigint, unit bigint, last_day date)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cur sqm.unit_version;
BEGIN
    PERFORM sqm.unit_kind_of(org, unit);
    SELECT * INTO cur FROM sqm.unit_version v
     WHERE v.org_id = org AND v.unit_id = unit AND upper_inf(v.valid);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unit % of organisation % has already ended', unit, org
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('It was valid %s.', (SELECT range_agg(valid) FROM sqm.unit_version v
                                                         WHERE v.org_id = org AND v.unit_id = unit)),
                  HINT = 'Only a current unit can be ended.';
    END IF;
    IF last_day IS NULL OR NOT isfinite(last_day) OR last_day < lower(cur.valid) THEN
        RAISE EXCEPTION 'unit % of organisation % cannot end on %', unit, org, last_day
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('Its current version starts on %s.', lower(cur.valid)),
                  HINT = 'Give the unit''s last day, on or after the start of its current version.';
    END IF;
    UPDATE sqm.unit_version v SET valid = daterange(lower(cur.valid), last_day + 1)
     WHERE v.org_id = org AND v.unit_id = unit AND v.valid = cur.valid;
END
$$;
COMMENT ON FUNCTION sqm.end_unit(bigint, bigint, date) IS
  'End a unit: its last day of existence; units under it must be moved or ended first';

CREATE FUNCTION sqm.link_successor(org bigint, predecessor bigint, successor bigint, effective date,
                                   kind text, carries_history boolean DEFAULT true)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.unit_kind_of(org, predecessor);
    PERFORM sqm.unit_kind_of(org, successor);
    IF kind IS NULL OR kind NOT IN ('merge', 'split', 'reattribution') THEN
        RAISE EXCEPTION 'unknown succession kind "%" for unit %', kind, predecessor
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'The kinds are merge, split and reattribution.';
    END IF;
    IF effective IS NULL OR NOT isfinite(effective) THEN
        RAISE EXCEPTION 'succession of unit % needs the day it takes effect', predecessor
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO sqm.unit_succession (org_id, predecessor_id, successor_id, effective, kind, carries_history)
    VALUES (org, predecessor, successor, effective, link_successor.kind, coalesce(carries_history, true));
END
$$;
COMMENT ON FUNCTION sqm.link_successor(bigint, bigint, bigint, date, text, boolean) IS
  'Record that from a date on a successor takes over a predecessor (merge, split or reattribution); carries_history: the predecessor''s items count under the successor';

-- Changing reference data is for those the DBA grants it to.
REVOKE ALL ON FUNCTION
    sqm.unit_version_check(), sqm.unit_children_check(), sqm.unit_succession_check(),
    sqm.unit_attribution(bigint, bigint, date, date), sqm.unit_successor(bigint, bigint, date), sqm.unit_existed(bigint, bigint, sqm.period),
    sqm.unit_name(bigint, bigint, date), sqm.unit_hierarchy(bigint, date),
    sqm.quality_year(bigint, date), sqm.quality_year(bigint, timestamptz),
    sqm.create_organisation(text, text, integer, text, text), sqm.unit_kind_of(bigint, bigint),
    sqm.create_unit(bigint, text, text, date, bigint), sqm.change_unit(bigint, bigint, date, text, boolean, bigint),
    sqm.rename_unit(bigint, bigint, text, date), sqm.move_unit(bigint, bigint, bigint, date),
    sqm.end_unit(bigint, bigint, date),
    sqm.link_successor(bigint, bigint, bigint, date, text, boolean)
FROM PUBLIC;

-- The label of a statistics row or status, in the organisation's language
-- unless one is asked for.
CREATE FUNCTION sqm.label_language(org bigint, lang text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT CASE WHEN lang IN ('sv', 'en') THEN lang
                ELSE (SELECT o.label_language FROM sqm.organisation o WHERE o.org_id = org) END;
END;
COMMENT ON FUNCTION sqm.label_language(bigint, text) IS 'The language of labels: the one asked for (sv/en), else the organisation''s';
