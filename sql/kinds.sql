--
-- One place to read a kind: every kind's states, moves (capability, required
-- columns, guard), row check, deadlines, case links and column classes, with
-- their comments, printed from the lifecycle data (sqm.describe_kinds()) of a
-- fresh installation (the other tests leave test kinds behind).  doc/kinds.md
-- is the same text, written by `make kinds-doc`; the check below fails while
-- the committed file differs from what the data says.
--
CREATE DATABASE sqm_kinds_doc;
\c sqm_kinds_doc
SET client_min_messages = warning;
CREATE EXTENSION sqm;
\set doc `cat doc/kinds.md`
SELECT sqm.describe_kinds() = :'doc' AS "doc/kinds.md is what make kinds-doc writes";
\pset format unaligned
\pset tuples_only on
SELECT sqm.describe_kinds();
\pset format aligned
\pset tuples_only off
\c contrib_regression
DROP DATABASE sqm_kinds_doc;
