-- Labels (domain.md §6, design.md §1): every code the statistics views show
-- is labelled in one table, in Swedish and English, and sorts in Swedish
-- order.  The views and their functions are in 72_statistics.sql.
--
--   sqm.swedish   collation: labels and unit names sort in Swedish order
--   sqm.label     one label table (kind of code, code, Swedish, English)
--   sqm.label_of  the label of a code in a language

-- ---------------------------------------------------------------------------
-- Swedish order.  ICU's sv-SE sorts ... Z, Å, Ä, Ö; PostgreSQL clusters made
-- with the C.UTF-8 locale have no libc sv_SE, and ICU is part of Debian's
-- PostgreSQL build.  sqm creates its own collation so that the name does not
-- depend on what initdb imported.

CREATE COLLATION sqm.swedish (provider = icu, locale = 'sv-SE');
COMMENT ON COLLATION sqm.swedish IS
  'Swedish alphabetical order (ICU sv-SE: … X, Y, Z, Å, Ä, Ö): the labels and unit names of the statistics views sort by it';

-- ---------------------------------------------------------------------------
-- Labels: every code a statistics view shows (a regime group, a status, an
-- outcome, a unit kind ...) is labelled here, in Swedish and English.  Codes
-- an organisation defines itself (its taxonomies) carry their labels in
-- their own tables, with the same two columns.

CREATE TABLE sqm.label (
    kind      text NOT NULL CHECK (kind OPERATOR(pg_catalog.~) '^[a-z][a-z0-9_]*$'),
    code      text NOT NULL CHECK (pg_catalog.btrim(code) OPERATOR(pg_catalog.<>) ''),
    label_sv  text COLLATE sqm.swedish NOT NULL CHECK (pg_catalog.btrim(label_sv) OPERATOR(pg_catalog.<>) ''),
    label_en  text COLLATE sqm.swedish NOT NULL CHECK (pg_catalog.btrim(label_en) OPERATOR(pg_catalog.<>) ''),
    ord       integer,
    builtin   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (kind, code)
);
COMMENT ON TABLE sqm.label IS
  'Labels of the codes the statistics views show, in Swedish and English: one row per kind of code (regime_group, unit_kind, period_kind, attribution, …) and code';
COMMENT ON COLUMN sqm.label.kind IS 'What the code is, e.g. regime_group, unit_kind, period_kind';
COMMENT ON COLUMN sqm.label.code IS 'The code as the views show it';
COMMENT ON COLUMN sqm.label.label_sv IS 'Swedish label (sorts in Swedish order, collation sqm.swedish)';
COMMENT ON COLUMN sqm.label.label_en IS 'English label';
COMMENT ON COLUMN sqm.label.ord IS 'Order of the code among its kind where the codes have one (severity, a lifecycle); NULL: ordered by label';
COMMENT ON COLUMN sqm.label.builtin IS 'Installed by sqm (not dumped: the install script recreates it)';
REVOKE ALL ON sqm.label FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('sqm.label', 'WHERE NOT builtin');
SELECT sqm.classify('sqm.label', '{"statistic": ["kind", "code", "label_sv", "label_en", "ord"], "internal": ["builtin"]}');
SELECT sqm.grant_privilege('core', 'SELECT ON sqm.label', '{everyone}');

INSERT INTO sqm.label (kind, code, label_sv, label_en, ord, builtin) VALUES
    ('period_kind', 'year', 'år', 'year', 1, true),
    ('period_kind', 'quarter', 'kvartal', 'quarter', 2, true),
    ('period_kind', 'month', 'månad', 'month', 3, true),
    ('attribution', 'today', 'dagens organisation', 'today''s organisation', 1, true),
    ('attribution', 'as_it_was', 'organisationen då', 'the organisation then', 2, true),
    ('unit_kind', 'administration', 'förvaltning', 'administration', 1, true),
    ('unit_kind', 'department', 'avdelning', 'department', 2, true),
    ('unit_kind', 'unit', 'enhet', 'unit', 3, true),
    ('total', 'total', 'Totalt', 'Total', NULL, true);

-- The label of a code in a language (sv, en); NULL for a code without one.
CREATE FUNCTION sqm.label_of(kind text, code text, lang text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT CASE WHEN lang OPERATOR(pg_catalog.=) 'en' THEN l.label_en ELSE l.label_sv END
      FROM sqm.label l
     WHERE l.kind OPERATOR(pg_catalog.=) label_of.kind AND l.code OPERATOR(pg_catalog.=) label_of.code;
END;
COMMENT ON FUNCTION sqm.label_of(text, text, text) IS
  'The label of a code (sqm.label) in a language: en English, anything else Swedish; NULL if the code has none';
REVOKE ALL ON FUNCTION sqm.label_of(text, text, text) FROM PUBLIC;
SELECT sqm.grant_privilege('core', 'EXECUTE ON FUNCTION sqm.label_of(text, text, text)', '{everyone}');
