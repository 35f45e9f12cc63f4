-- The demo organisation: the social services administration of a mid-sized
-- Swedish municipality as its published quality reports for 2024 and 2025 show
-- it (../shared/reference/alingsas-published-figures.md).  Quality year =
-- calendar year.
--
-- Its history, as the reports show it:
-- * Vägledning och integration was created on 2025-01-01.
-- * Familjestöd appears in 2024 but not in 2025: it ended with 2024.
-- * Avdelning Stöd och arbete was reorganised on 2025-01-01: the department as
--   it was ended, a new one of the same name took over its units, and the
--   reports attributed to the old department itself count under Arbetsmarknad
--   from then on (the 2024 report counted one there; the 2025 report shows it
--   under Arbetsmarknad and "–" for the new department's 2024).
\set ON_ERROR_STOP 1

SELECT sqm.create_organisation('Socialförvaltningen, Alingsås kommun', 'SN', 1, 'Europe/Stockholm', 'sv') AS org \gset

SELECT sqm.create_unit(:org, 'Socialförvaltningen', 'administration', '2022-01-01') AS adm \gset

SELECT sqm.create_unit(:org, 'Avdelning Administration', 'department', '2022-01-01', :adm) AS d_adm \gset
SELECT sqm.create_unit(:org, 'Avdelning Unga',           'department', '2022-01-01', :adm) AS d_unga \gset
SELECT sqm.create_unit(:org, 'Avdelning Vuxna',          'department', '2022-01-01', :adm) AS d_vuxna \gset
SELECT sqm.create_unit(:org, 'Avdelning Stöd och arbete','department', '2022-01-01', :adm) AS d_soa \gset

SELECT sqm.create_unit(:org, u.name, 'unit', '2022-01-01', u.parent)
  FROM (VALUES ('Barn och unga 1',      :d_unga),
               ('Barn och unga 2',      :d_unga),
               ('Familjehem',           :d_unga),
               ('Familjestöd',          :d_unga),
               ('Vuxna',                :d_vuxna),
               ('Vuxenstöd',            :d_vuxna),
               ('Beroendestöd',         :d_vuxna),
               ('Boendestöd',           :d_vuxna),
               ('Boende',               :d_vuxna),
               ('Stöd och försörjning', :d_soa),
               ('Arbetsmarknad',        :d_soa)) AS u(name, parent)
 ORDER BY u.name;

SELECT unit_id AS familjestod FROM sqm.unit_version WHERE org_id = :org AND name = 'Familjestöd' \gset
SELECT unit_id AS arbetsmarknad FROM sqm.unit_version WHERE org_id = :org AND name = 'Arbetsmarknad' \gset
SELECT unit_id AS forsorjning FROM sqm.unit_version WHERE org_id = :org AND name = 'Stöd och försörjning' \gset

-- Familjestöd has no figure for 2025: it ended with 2024.
SELECT sqm.end_unit(:org, :familjestod, '2024-12-31');

-- The reorganisation of 2025-01-01, in one transaction.
BEGIN;
SET CONSTRAINTS sqm.unit_children_check DEFERRED;
SELECT sqm.end_unit(:org, :d_soa, '2024-12-31');
SELECT sqm.create_unit(:org, 'Avdelning Stöd och arbete', 'department', '2025-01-01', :adm) AS d_soa2 \gset
SELECT sqm.move_unit(:org, :forsorjning, :d_soa2, '2025-01-01');
SELECT sqm.move_unit(:org, :arbetsmarknad, :d_soa2, '2025-01-01');
SELECT sqm.link_successor(:org, :d_soa, :arbetsmarknad, '2025-01-01', 'reattribution');
SELECT sqm.create_unit(:org, 'Vägledning och integration', 'unit', '2025-01-01', :d_soa2);
COMMIT;

-- The delegation order (delegationsordning) of the organisation's guideline:
-- the head of the administration department, with the legal officer and the
-- development lead, makes the first assessment (triage) of every deviation
-- report, whichever way it came in -- centrally, not the unit managers -- and
-- the head of the administration department decides the notification to IVO.
-- In sqm's roles: the three hold the quality coordinator role for the whole
-- organisation, and triage is taken from the unit managers and investigators,
-- so that only quality coordinators triage; deciding seriousness and
-- notifying IVO are the quality coordinator's by default (sqm.role_capability).
-- sqm's roles do not tell the head from the other two: which of them decided
-- a notification is recorded with it (decided_by).  The replay (replay.sql)
-- runs as a superuser, who may everything, naming the function that acted.
SELECT sqm.set_delegation(:org, r, 'triage', false,
                          'Riktlinje för avvikelsehantering: den första bedömningen görs centralt '
                          || '(avdelningschef administration, jurist, utvecklingsledare)')
  FROM unnest(ARRAY['unit_manager', 'investigator']) r \g /dev/null
SELECT sqm.grant_membership(:org, m, 'quality_coordinator', NULL, true)
  FROM unnest(ARRAY['avdelningschef.administration', 'jurist', 'utvecklingsledare']) m \g /dev/null
