-- The demo organisation: the social services administration of a mid-sized
-- Swedish municipality as its published quality reports for 2024 and 2025 show
-- it (../shared/reference/alingsas-published-figures.md).  Quality year =
-- calendar year.  Vägledning och integration was created in 2025; Familjestöd
-- appears in 2024 but no longer in 2025.
\set ON_ERROR_STOP 1

SELECT sqm.create_organisation('Socialförvaltningen, Alingsås kommun', 'SN', 1, 'Europe/Stockholm', 'sv') AS org \gset

SELECT sqm.create_unit(:org, 'Socialförvaltningen', 'administration', '2022-01-01') AS adm \gset

SELECT sqm.create_unit(:org, 'Avdelning Administration', 'department', '2022-01-01', :adm) AS d_adm \gset
SELECT sqm.create_unit(:org, 'Avdelning Unga',           'department', '2022-01-01', :adm) AS d_unga \gset
SELECT sqm.create_unit(:org, 'Avdelning Vuxna',          'department', '2022-01-01', :adm) AS d_vuxna \gset
SELECT sqm.create_unit(:org, 'Avdelning Stöd och arbete','department', '2022-01-01', :adm) AS d_soa \gset

SELECT sqm.create_unit(:org, u.name, 'unit', u.valid_from::date, u.parent)
  FROM (VALUES ('Barn och unga 1',            '2022-01-01', :d_unga),
               ('Barn och unga 2',            '2022-01-01', :d_unga),
               ('Familjehem',                 '2022-01-01', :d_unga),
               ('Familjestöd',                '2022-01-01', :d_unga),
               ('Vuxna',                      '2022-01-01', :d_vuxna),
               ('Vuxenstöd',                  '2022-01-01', :d_vuxna),
               ('Beroendestöd',               '2022-01-01', :d_vuxna),
               ('Boendestöd',                 '2022-01-01', :d_vuxna),
               ('Boende',                     '2022-01-01', :d_vuxna),
               ('Stöd och försörjning',       '2022-01-01', :d_soa),
               ('Arbetsmarknad',              '2022-01-01', :d_soa),
               ('Vägledning och integration', '2025-01-01', :d_soa)) AS u(name, valid_from, parent)
 ORDER BY u.valid_from, u.name;

-- Familjestöd has no figure for 2025: it ended with 2024.
SELECT sqm.end_unit(:org, unit_id, '2024-12-31')
  FROM sqm.unit_version WHERE org_id = :org AND name = 'Familjestöd';
