-- The whole demo, in one session (the event tables are temporary): the
-- organisation, then its deviations, lex Sarah events, complaints and
-- feedback, personal data incidents and lex Maja reports replayed through the
-- API, in one timeline.  Run from the top of the repository: psql -f demo/load.sql
\set ON_ERROR_STOP 1
\i demo/alingsas.sql
\i demo/deviations.sql
\i demo/lex_sarah.sql
\i demo/registered_matters.sql
\i demo/replay.sql
