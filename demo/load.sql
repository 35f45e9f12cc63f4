-- The whole demo, in one session (the event tables are temporary): the
-- organisation, then its deviations and lex Sarah events replayed through the
-- API.  Run from the top of the repository: psql -f demo/load.sql
\set ON_ERROR_STOP 1
\i demo/alingsas.sql
\i demo/deviations.sql
\i demo/lex_sarah.sql
\i demo/replay.sql
