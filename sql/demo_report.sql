--
-- The demo organisation's quality report for 2025 (doc/report.md), a draft
-- built from the views (loaded by demo_deviations, which runs first).  Every
-- table is read back out of the rendered Markdown and compared, row for row,
-- with the statistics view it names: each query below prints the rows that
-- differ (none).  Then the document itself, as a committee would read it.
--
\pset null '–'
SELECT org_id AS org FROM sqm.organisation WHERE name = 'Socialförvaltningen, Alingsås kommun' \gset
SET sqm.frozen_now = '2026-02-15 12:00+01';
SET DateStyle = 'ISO, YMD';
SELECT sqm.report_markdown(:org, '2025') AS md \gset

-- The rows of a table of the Markdown, by its caption: the cells, '|'-separated,
-- as the reader sees them (the total row without its bold; empty cells at the
-- end of a row, where a total view has no total of a column, left out).
CREATE FUNCTION pg_temp.md_rows(md text, caption text) RETURNS SETOF text LANGUAGE sql AS $$
    WITH l AS (SELECT t, i FROM regexp_split_to_table(md, E'\n') WITH ORDINALITY AS x(t, i)),
         c AS (SELECT min(i) AS i FROM l WHERE t ~ ('^\*\*Tabell [0-9]+\. ' || regexp_replace(caption, '([().])', '\\\1', 'g') || '\*\*$')),
         e AS (SELECT min(l.i) AS i FROM l, c WHERE l.i > c.i + 1 AND l.t !~ '^\|')
    SELECT regexp_replace(regexp_replace(btrim(l.t, '| '), '\s*\|\s*', '|', 'g'), '\*\*', '', 'g')
      FROM l, c, e WHERE l.i > c.i + 3 AND l.i < e.i ORDER BY l.i
$$;
CREATE FUNCTION pg_temp.n(v integer) RETURNS text LANGUAGE sql AS $$ SELECT coalesce(v::text, '–') $$;
-- A row's name as a table shows it: with a capital.
CREATE FUNCTION pg_temp.cap(t text) RETURNS text LANGUAGE sql AS $$ SELECT upper(left(t, 1)) || substr(t, 2) $$;

-- Deviations per year: the years up to 2025.
(SELECT * FROM pg_temp.md_rows(:'md', 'Avvikelser per år')
 EXCEPT SELECT period || '|' || reports || '|' || escalated_to_lex_sarah FROM sqm.stat_deviation_summary
         WHERE org_id = :org AND regime_group = 'SoL/LSS' AND period_kind = 'year' AND last_day <= '2025-12-31')
UNION ALL
(SELECT period || '|' || reports || '|' || escalated_to_lex_sarah FROM sqm.stat_deviation_summary
  WHERE org_id = :org AND regime_group = 'SoL/LSS' AND period_kind = 'year' AND last_day <= '2025-12-31'
 EXCEPT SELECT * FROM pg_temp.md_rows(:'md', 'Avvikelser per år'));

-- Deviations per unit, and the total.
(SELECT * FROM pg_temp.md_rows(:'md', 'Avvikelser per enhet 2025 och 2024')
 EXCEPT (SELECT unit_label || '|' || pg_temp.n(cases) || '|' || pg_temp.n(previous_cases) FROM sqm.stat_deviation_per_unit
          WHERE org_id = :org AND period = '2025' AND regime_group = 'SoL/LSS' AND attribution = 'today'
         UNION ALL SELECT 'Totalt|' || cases || '|' || previous_cases FROM sqm.stat_deviation_per_unit_total
          WHERE org_id = :org AND period = '2025' AND regime_group = 'SoL/LSS' AND attribution = 'today'))
UNION ALL
(SELECT unit_label || '|' || pg_temp.n(cases) || '|' || pg_temp.n(previous_cases) FROM sqm.stat_deviation_per_unit
  WHERE org_id = :org AND period = '2025' AND regime_group = 'SoL/LSS' AND attribution = 'today'
 EXCEPT SELECT * FROM pg_temp.md_rows(:'md', 'Avvikelser per enhet 2025 och 2024'));

-- Deviation types: this year's row of each type beside last year's.
(SELECT * FROM pg_temp.md_rows(:'md', 'Avvikelser per typ 2025 och 2024')
 EXCEPT (SELECT pg_temp.cap(coalesce(a.label, b.label)) || '|' || pg_temp.n(a.cases) || '|' || pg_temp.n(b.cases)
           FROM (SELECT * FROM sqm.stat_deviation_per_type WHERE org_id = :org AND period = '2025' AND regime_group = 'SoL/LSS') a
           FULL JOIN (SELECT * FROM sqm.stat_deviation_per_type WHERE org_id = :org AND period = '2024' AND regime_group = 'SoL/LSS') b
             ON b.type_code = a.type_code
          WHERE coalesce(a.cases, 0) + coalesce(b.cases, 0) > 0
         UNION ALL SELECT 'Totalt|' || a.cases || '|' || b.cases
           FROM sqm.stat_deviation_per_type_total a JOIN sqm.stat_deviation_per_type_total b
             ON b.org_id = a.org_id AND b.period = a.previous_period AND b.regime_group = a.regime_group
          WHERE a.org_id = :org AND a.period = '2025' AND a.regime_group = 'SoL/LSS'));

-- Status at the follow-up, HSL types, collaboration.
(SELECT * FROM pg_temp.md_rows(:'md', 'Status vid uppföljningen för avvikelser rapporterade 2025 och 2024')
 EXCEPT (SELECT pg_temp.cap(a.label) || '|' || a.cases || '|' || b.cases FROM sqm.stat_deviation_status a JOIN sqm.stat_deviation_status b
          ON b.org_id = a.org_id AND b.period = a.previous_period AND b.regime_group = a.regime_group AND b.status = a.status
         WHERE a.org_id = :org AND a.period = '2025' AND a.regime_group = 'SoL/LSS'
        UNION ALL SELECT 'Totalt|' || a.cases || '|' || b.cases FROM sqm.stat_deviation_status_total a
          JOIN sqm.stat_deviation_status_total b ON b.org_id = a.org_id AND b.period = a.previous_period AND b.regime_group = a.regime_group
         WHERE a.org_id = :org AND a.period = '2025' AND a.regime_group = 'SoL/LSS'));
(SELECT * FROM pg_temp.md_rows(:'md', 'Avvikelser inom hälso- och sjukvården (HSL) per typ 2025 och 2024')
 EXCEPT (SELECT pg_temp.cap(a.label) || '|' || a.cases || '|' || b.cases FROM sqm.stat_deviation_per_type a JOIN sqm.stat_deviation_per_type b
          ON b.org_id = a.org_id AND b.period = a.previous_period AND b.regime_group = a.regime_group AND b.type_code = a.type_code
         WHERE a.org_id = :org AND a.period = '2025' AND a.regime_group = 'HSL'
        UNION ALL SELECT 'Totalt|' || a.cases || '|' || b.cases FROM sqm.stat_deviation_per_type_total a
          JOIN sqm.stat_deviation_per_type_total b ON b.org_id = a.org_id AND b.period = a.previous_period AND b.regime_group = a.regime_group
         WHERE a.org_id = :org AND a.period = '2025' AND a.regime_group = 'HSL'));
(SELECT * FROM pg_temp.md_rows(:'md', 'Avvikelser i samverkan med andra huvudmän 2025 och 2024')
 EXCEPT (SELECT pg_temp.cap(a.label) || '|' || a.cases || '|' || b.cases FROM sqm.stat_deviation_collaboration a JOIN sqm.stat_deviation_collaboration b
          ON b.org_id = a.org_id AND b.period = a.previous_period AND b.collab_direction = a.collab_direction
         WHERE a.org_id = :org AND a.period = '2025'
        UNION ALL SELECT 'Totalt|' || a.cases || '|' || b.cases FROM sqm.stat_deviation_collaboration_total a
          JOIN sqm.stat_deviation_collaboration_total b ON b.org_id = a.org_id AND b.period = a.previous_period
         WHERE a.org_id = :org AND a.period = '2025'));

-- Lex Sarah: per year, per unit (units with investigations in either year), outcomes, themes, IVO's answers.
(SELECT * FROM pg_temp.md_rows(:'md', 'Lex Sarah per år')
 EXCEPT SELECT period || '|' || investigations_completed || '|' || notified_to_ivo || '|' || reports_received
          FROM sqm.stat_lex_sarah_summary WHERE org_id = :org AND period_kind = 'year' AND last_day <= '2025-12-31');
(SELECT * FROM pg_temp.md_rows(:'md', 'Lex Sarah-utredningar per enhet 2025 och 2024')
 EXCEPT (SELECT unit_label || '|' || pg_temp.n(cases) || '|' || pg_temp.n(previous_cases) FROM sqm.stat_lex_sarah_per_unit
          WHERE org_id = :org AND period = '2025' AND attribution = 'today'
         UNION ALL SELECT 'Totalt|' || cases || '|' || previous_cases FROM sqm.stat_lex_sarah_per_unit_total
          WHERE org_id = :org AND period = '2025' AND attribution = 'today'))
UNION ALL
(SELECT unit_label || '|' || pg_temp.n(cases) || '|' || pg_temp.n(previous_cases) FROM sqm.stat_lex_sarah_per_unit
  WHERE org_id = :org AND period = '2025' AND attribution = 'today' AND (cases > 0 OR previous_cases > 0)
 EXCEPT SELECT * FROM pg_temp.md_rows(:'md', 'Lex Sarah-utredningar per enhet 2025 och 2024'));
(SELECT * FROM pg_temp.md_rows(:'md', 'Utfall av lex Sarah-utredningarna 2025 och 2024')
 EXCEPT (SELECT pg_temp.cap(a.label) || '|' || a.cases || '|' || b.cases || '|' || a.notified_to_ivo || '|' || b.notified_to_ivo
          FROM sqm.stat_lex_sarah_outcome a JOIN sqm.stat_lex_sarah_outcome b
            ON b.org_id = a.org_id AND b.period = a.previous_period AND b.outcome = a.outcome
         WHERE a.org_id = :org AND a.period = '2025'
        UNION ALL SELECT 'Totalt|' || a.cases || '|' || b.cases FROM sqm.stat_lex_sarah_outcome_total a
          JOIN sqm.stat_lex_sarah_outcome_total b ON b.org_id = a.org_id AND b.period = a.previous_period
         WHERE a.org_id = :org AND a.period = '2025'));
(SELECT * FROM pg_temp.md_rows(:'md', 'Brister som utredningarna fann 2025 och 2024')
 EXCEPT (SELECT pg_temp.cap(a.label) || '|' || a.cases || '|' || b.cases FROM sqm.stat_lex_sarah_theme a JOIN sqm.stat_lex_sarah_theme b
          ON b.org_id = a.org_id AND b.period = a.previous_period AND b.theme = a.theme
         WHERE a.org_id = :org AND a.period = '2025'
        UNION ALL SELECT 'Totalt|' || a.cases || '|' || b.cases FROM sqm.stat_lex_sarah_theme_total a
          JOIN sqm.stat_lex_sarah_theme_total b ON b.org_id = a.org_id AND b.period = a.previous_period
         WHERE a.org_id = :org AND a.period = '2025'));
(SELECT * FROM pg_temp.md_rows(:'md', 'IVO:s svar på anmälningarna 2025 och 2024')
 EXCEPT (SELECT pg_temp.cap(a.label) || '|' || a.cases || '|' || b.cases FROM sqm.stat_ivo_answer a JOIN sqm.stat_ivo_answer b
          ON b.org_id = a.org_id AND b.period = a.previous_period AND b.answer = a.answer
         WHERE a.org_id = :org AND a.period = '2025'
        UNION ALL SELECT 'Totalt|' || a.cases || '|' || b.cases FROM sqm.stat_ivo_answer_total a
          JOIN sqm.stat_ivo_answer_total b ON b.org_id = a.org_id AND b.period = a.previous_period
         WHERE a.org_id = :org AND a.period = '2025'));

-- Deadlines: started, met in time, late, overdue (and last year's), not yet due.
(SELECT * FROM pg_temp.md_rows(:'md', 'Tidsfrister som startade 2025, vid uppföljningen')
 EXCEPT SELECT pg_temp.cap(a.label) || '|' || a.cases || '|' || a.met_in_time || '|' || a.met_late || '|' || a.overdue || '|' || b.overdue
               || '|' || a.not_yet_due
          FROM sqm.stat_obligation a JOIN sqm.stat_obligation b ON b.org_id = a.org_id AND b.period = a.previous_period AND b.rule = a.rule
         WHERE a.org_id = :org AND a.period = '2025');

-- Every table was found: how many rows each has in the Markdown.
SELECT c.caption, (SELECT count(*) FROM pg_temp.md_rows(:'md', c.caption)) AS rows
  FROM (VALUES ('Avvikelser per år'), ('Avvikelser per enhet 2025 och 2024'), ('Avvikelser per typ 2025 och 2024'),
               ('Status vid uppföljningen för avvikelser rapporterade 2025 och 2024'),
               ('Avvikelser inom hälso- och sjukvården (HSL) per typ 2025 och 2024'),
               ('Avvikelser i samverkan med andra huvudmän 2025 och 2024'), ('Lex Sarah per år'),
               ('Lex Sarah-utredningar per enhet 2025 och 2024'), ('Utfall av lex Sarah-utredningarna 2025 och 2024'),
               ('Brister som utredningarna fann 2025 och 2024'), ('IVO:s svar på anmälningarna 2025 och 2024'),
               ('Tidsfrister som startade 2025, vid uppföljningen')) c(caption);

-- The document, as Markdown.
\pset format unaligned
\pset tuples_only on
SELECT :'md';
\pset format aligned
\pset tuples_only off
RESET sqm.frozen_now;
