-- The quality report (issue 14, doc/report.md): sections are data (a test
-- kind registers its own and it appears), the document's numbers are the
-- views' numbers, the coordinator's text and adoption through the API, the
-- rules of the report for every writer (through the API and by a direct
-- superuser write, the same SQLSTATE and message), adoption freezes the
-- published version, and the chain is checked against the head it prints.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(115);

SET LOCAL sqm.frozen_now = '2026-02-15 12:00+01';
SET LOCAL TimeZone = 'Europe/Stockholm';
SET LOCAL DateStyle = 'ISO, YMD';
SELECT sqm.create_roles() \g /dev/null

-- Organisation A: two departments; Gamma is new in 2025.
SELECT sqm.create_organisation('Rapport A', 'SN') AS org \gset
SELECT sqm.create_unit(:org, 'Förvaltningen', 'administration', '2024-01-01') AS adm \gset
SELECT sqm.create_unit(:org, 'Avdelning Norr', 'department', '2024-01-01', :adm) AS norr \gset
SELECT sqm.create_unit(:org, 'Avdelning Syd', 'department', '2024-01-01', :adm) AS syd \gset
SELECT sqm.create_unit(:org, 'Alfa', 'unit', '2024-01-01', :norr) AS alfa \gset
SELECT sqm.create_unit(:org, 'Beta', 'unit', '2024-01-01', :norr) AS beta \gset
SELECT sqm.create_unit(:org, 'Gamma', 'unit', '2025-01-01', :syd) AS gamma \gset
SELECT sqm.add_deviation_type(:org, 'info', 'Information', 'Information', '2024-01-01') \g /dev/null
SELECT sqm.add_deviation_type(:org, 'doc', 'Dokumentation', 'Documentation', '2024-01-01') \g /dev/null
-- 2024: Alfa 1, Beta 2; 2025: Alfa 2 (one with two types), Gamma 1
SELECT sqm.report_deviation(:org, u, 'SoL', t::timestamptz - interval '1 hour', 'Händelse', ty, t::timestamptz)
  FROM (VALUES (:alfa, '2024-03-01 10:00+01', '{info}'::text[]), (:beta, '2024-04-01 10:00+02', '{doc}'),
               (:beta, '2024-05-01 10:00+02', '{doc}'), (:alfa, '2025-03-01 10:00+01', '{info,doc}'),
               (:alfa, '2025-06-01 10:00+02', '{info}'), (:gamma, '2025-09-01 10:00+02', '{doc}')) d(u, t, ty) \g /dev/null
-- Organisation B reports by quality year (September–August).
SELECT sqm.create_organisation('Rapport B', 'SN', 9) AS orgb \gset
SELECT sqm.create_unit(:orgb, 'B1', 'unit', '2024-01-01') AS b1 \gset

CREATE ROLE tst_rep_coord; CREATE ROLE tst_rep_aud; CREATE ROLE tst_rep_um; CREATE ROLE tst_rep_rr; CREATE ROLE tst_rep_out;
GRANT sqm_quality_coordinator TO tst_rep_coord; GRANT sqm_auditor TO tst_rep_aud; GRANT sqm_unit_manager TO tst_rep_um;
GRANT sqm_report_reader TO tst_rep_rr; GRANT sqm_quality_coordinator TO tst_rep_out;
SELECT sqm.grant_membership(:org, 'tst_rep_coord', 'quality_coordinator');
SELECT sqm.grant_membership(:org, 'tst_rep_aud', 'auditor');
SELECT sqm.grant_membership(:org, 'tst_rep_um', 'unit_manager', :alfa);
SELECT sqm.grant_membership(:org, 'tst_rep_rr', 'report_reader');
SELECT sqm.grant_membership(:orgb, 'tst_rep_out', 'quality_coordinator');

-- What a statement does: 'ok' (and then it is undone), or its SQLSTATE and message.
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        EXECUTE q;
    EXCEPTION WHEN OTHERS THEN
        RETURN SQLSTATE || ': ' || SQLERRM;
    END;
    RAISE EXCEPTION 'undo' USING ERRCODE = 'UN000';
EXCEPTION WHEN SQLSTATE 'UN000' THEN
    RETURN 'ok';
END $$;
-- The same as a role (SET ROLE), then back.
CREATE FUNCTION pg_temp.try_as(r text, q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE v text;
BEGIN
    EXECUTE format('SET LOCAL ROLE %I', r);
    v := pg_temp.try(q);
    RESET ROLE;
    RETURN v;
END $$;
-- A query's value as a role (SET ROLE), then back; an error as its SQLSTATE and message.
CREATE FUNCTION pg_temp.val_as(r text, q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE v text;
BEGIN
    EXECUTE format('SET LOCAL ROLE %I', r);
    BEGIN
        EXECUTE q INTO v;
    EXCEPTION WHEN OTHERS THEN
        v := SQLSTATE || ': ' || SQLERRM;
    END;
    RESET ROLE;
    RETURN v;
END $$;
-- The message of a refusal by sqm.authorize as "permission denied to <what
-- the caller wanted>" (without the capability's name, which some builds put
-- before it).
CREATE FUNCTION pg_temp.denied(t text) RETURNS text LANGUAGE sql AS $$
    SELECT regexp_replace(t, '^42501: permission denied to (read statistics|manage report) ', '42501: permission denied to ')
$$;
-- A section of a document by id, anywhere in it.
CREATE FUNCTION pg_temp.sec(doc jsonb, id text) RETURNS jsonb LANGUAGE sql AS $$
    SELECT s FROM jsonb_path_query(doc, 'strict $.**.sections[*]') s WHERE s ->> 'id' = id LIMIT 1
$$;
-- The first block of a type in a section.
CREATE FUNCTION pg_temp.blk(doc jsonb, id text, typ text) RETURNS jsonb LANGUAGE sql AS $$
    SELECT b FROM jsonb_array_elements(pg_temp.sec(doc, id) -> 'blocks') WITH ORDINALITY x(b, i)
     WHERE b ->> 'type' = typ ORDER BY i LIMIT 1
$$;

-- ==================================================================== sections are data
SELECT is((SELECT string_agg(chapter, ',' ORDER BY ord) FROM sqm.report_chapter), 'deviation,lex_sarah,complaint,data_incident,lex_maja,deadlines',
          'each kind registers its chapter in its stats.sql, and the core its own (deadlines), in order');
SELECT is_empty($$SELECT s.section FROM sqm.report_section s WHERE NOT EXISTS (SELECT FROM sqm.stat_view v WHERE v.view_name = s.view_name)$$,
                'every section reads a registered statistics view');
SELECT ok((SELECT bool_and(builtin) FROM sqm.report_section) AND (SELECT bool_and(builtin) FROM sqm.report_chapter),
          'the install''s sections and chapters are builtin (not dumped)');

-- refusals of the registration
SELECT is(pg_temp.try($$SELECT sqm.register_report_section('tst_x', 'deviation', 99, 'X', 'X', 'sqm.organisation', 'name', 'A', 'A',
                         '[{"column": "org_id", "label_sv": "a", "label_en": "a"}]')$$),
          '42P17: report section "tst_x" reads sqm.organisation, which is not a registered statistics view',
          'a section reads a registered statistics view');
SELECT is(pg_temp.try($$SELECT sqm.register_report_section('tst_x', 'deviation', 99, 'X', 'X', 'sqm.stat_deviation_per_unit', 'unit_label', 'A', 'A',
                         '[{"column": "casez", "label_sv": "a", "label_en": "a"}]')$$),
          '42703: report section "tst_x" names "casez", not a column of sqm.stat_deviation_per_unit', 'a value column is a column of the view');
SELECT is(pg_temp.try($$SELECT sqm.register_report_section('tst_x', 'deviation', 99, 'X', 'X', 'sqm.stat_deviation_per_unit', 'unit_labl', 'A', 'A',
                         '[{"column": "cases", "label_sv": "a", "label_en": "a"}]')$$),
          '42703: report section "tst_x" names "unit_labl", not a column of sqm.stat_deviation_per_unit', 'so is the category');
SELECT is(pg_temp.try($$SELECT sqm.register_report_section('tst_x', 'deviation', 99, 'X', 'X', 'sqm.stat_deviation_per_unit', 'unit_label', 'A', 'A',
                         '[{"column": "cases", "label_sv": "a", "label_en": "a"}]', view_filter => '{"regime": "SoL"}')$$),
          '42703: report section "tst_x" names "regime", not a column of sqm.stat_deviation_per_unit', 'and a filter''s column');
SELECT is(pg_temp.try($$SELECT sqm.register_report_section('tst_x', 'nochapter', 99, 'X', 'X', 'sqm.stat_deviation_per_unit', 'unit_label', 'A', 'A',
                         '[{"column": "cases", "label_sv": "a", "label_en": "a"}]')$$),
          '23503: report section "tst_x" names chapter "nochapter", which is not registered', 'a section belongs to a registered chapter');
SELECT is(pg_temp.try($$SELECT sqm.register_report_section('lex_sarah', 'deviation', 99, 'X', 'X', 'sqm.stat_deviation_per_unit', 'unit_label', 'A', 'A',
                         '[{"column": "cases", "label_sv": "a", "label_en": "a"}]')$$),
          '23505: report section "lex_sarah" has the id of a chapter', 'chapters and sections share their ids');
SELECT is(pg_temp.try($$SELECT sqm.register_report_section('tst_x', 'deviation', 99, 'X', 'X', 'sqm.stat_deviation_per_unit', 'unit_label', 'A', 'A',
                         '[{"column": "cases", "label_sv": "a", "label_en": "a"}]', chart => 'bar_pair')$$),
          '22023: report section "tst_x" draws a bar_pair chart, but its charted column has no previous period beside it',
          'a bar_pair chart needs the previous period');
SELECT is(pg_temp.try($$SELECT sqm.register_report_section('tst_x', 'deviation', 99, 'X', 'X', 'sqm.stat_deviation_per_type', 'label', 'A', 'A',
                         '[{"column": "cases", "label_sv": "a", "label_en": "a", "previous": true}]')$$),
          '22023: report section "tst_x" puts the previous period''s "cases" beside, but has no keys to find its row by',
          'a previous period found by row needs keys');
SELECT is(pg_temp.try($$SELECT sqm.register_report_section('tst_x', 'deviation', 99, 'X', 'X', 'sqm.stat_deviation_per_type', 'label', 'A', 'A',
                         '[{"column": "cases", "label_sv": "a", "label_en": "a"}]', chart => 'line')$$),
          '22023: report section "tst_x" draws a line chart, which needs layout years', 'a line chart is a trend over years');
SELECT is(pg_temp.try($$SELECT sqm.register_report_section('tst_x', 'deviation', 99, 'X', 'X', 'sqm.stat_deviation_summary', 'period', 'A', 'A',
                         '[{"column": "reports", "label_sv": "a", "label_en": "a"}]')$$),
          '22023: report section "tst_x" asks for a total row, but sqm.stat_deviation_summary has no total view',
          'a total row needs the view''s total view');
SELECT is(pg_temp.try($$SELECT sqm.register_report_section('tst_x', 'deviation', 99, 'X', 'X', 'sqm.stat_deviation_per_type', 'label', 'A', 'A',
                         '[{"column": "cases", "label_sv": "a", "label_en": "a"}]', per_department => true)$$),
          '42703: report section "tst_x" names "department_id", "department_name", not a column of sqm.stat_deviation_per_type',
          'a section repeated per department reads the view''s department');

-- A later kind adds its chapter and section without touching the report code.
CREATE VIEW sqm.tst_stat_widget WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       w.code AS label, (extract(year FROM p.first_day)::integer - 2000) * w.n AS cases
  FROM sqm.stat_period p CROSS JOIN (VALUES ('kugge', 1), ('hjul', 2)) w(code, n);
SELECT sqm.register_stat_view('sqm.tst_stat_widget', NULL, 'Manicker', 'Widgets', 'Widgets per period (a test)',
                              columns => '{"label": "The widget", "cases": "Widgets"}');
SELECT sqm.register_report_chapter('tst_widget', 60, 'Manicker', 'Widgets', 'Manicker räknas per år.', 'Widgets count per year.');
SELECT sqm.register_report_section('tst_widget_per_kind', 'tst_widget', 10, 'Manicker {period} och {previous_period}',
    'Widgets, {period} and {previous_period}', 'sqm.tst_stat_widget', 'label', 'Manick', 'Widget',
    '[{"column": "cases", "label_sv": "{period}", "label_en": "{period}", "previous": true}]',
    keys => '{label}', chart => 'hbar', total => false);
SELECT sqm.report_json(:org, '2025') AS doc \gset
SELECT is(pg_temp.sec(:'doc', 'tst_widget') ->> 'title', 'Manicker', 'the test kind''s chapter appears in the report');
SELECT is(pg_temp.blk(:'doc', 'tst_widget_per_kind', 'table') -> 'rows',
          '[{"cases": 25, "category": "Kugge", "key_label": "kugge", "cases_previous": 24},
            {"cases": 50, "category": "Hjul", "key_label": "hjul", "cases_previous": 48}]',
          'with its section''s table: the view''s rows of the period, the previous period beside');
SELECT is(pg_temp.blk(:'doc', 'tst_widget_per_kind', 'chart') -> 'series',
          '[{"name": "2025", "values": [25, 50]}, {"name": "2024", "values": [24, 48]}]', 'and its chart');
SELECT is((SELECT array_agg(s ->> 'id') FROM jsonb_array_elements(:'doc'::jsonb -> 'sections') s),
          '{deviation,lex_sarah,complaint,data_incident,lex_maja,tst_widget,deadlines,about}', 'in the place its order gives it');
SELECT is(pg_temp.try(format($$SELECT sqm.set_report_analysis(%s, '2025', 'tst_widget_per_kind', 'Fler hjul.')$$, :org)), 'ok',
          'and analysis can be written for it');

-- ==================================================================== the numbers are the views'
SELECT is(pg_temp.blk(:'doc', 'deviation_per_unit', 'table') -> 'rows',
          (SELECT jsonb_agg(jsonb_build_object('category', unit_label, 'cases', cases, 'cases_previous', previous_cases,
                                               'key_unit_id', unit_id) ORDER BY sqm.unit_kind_rank(unit_kind) DESC, unit_label)
             FROM sqm.stat_deviation_per_unit
            WHERE org_id = :org AND period = '2025' AND regime_group = 'SoL/LSS' AND attribution = 'today'),
          'the deviations per unit are the view''s rows, its previous period beside');
SELECT is(pg_temp.blk(:'doc', 'deviation_per_unit', 'table') -> 'rows' -> 0, '{"cases": 2, "category": "Alfa", "key_unit_id": 0, "cases_previous": 1}'::jsonb
                                                                               || jsonb_build_object('key_unit_id', :alfa),
          'Alfa: 2 in 2025, 1 in 2024');
SELECT is(pg_temp.blk(:'doc', 'deviation_per_unit', 'table') -> 'rows' -> 2 -> 'cases_previous', 'null',
          'Gamma did not exist in 2024: no figure (–), not 0');
SELECT is(pg_temp.blk(:'doc', 'deviation_per_unit', 'table') -> 'total',
          (SELECT jsonb_build_object('category', 'Totalt', 'cases', cases, 'cases_previous', previous_cases)
             FROM sqm.stat_deviation_per_unit_total WHERE org_id = :org AND period = '2025' AND regime_group = 'SoL/LSS' AND attribution = 'today'),
          'its total row is the total view''s');
SELECT is(pg_temp.blk(:'doc', 'deviation_per_type', 'table') -> 'rows',
          (SELECT jsonb_agg(jsonb_build_object('category', a.label_sv, 'cases', a.cases, 'cases_previous', b.cases, 'key_type_code', a.type_code)
                            ORDER BY a.cases DESC, a.label)
             FROM sqm.stat_deviation_per_type a
             JOIN sqm.stat_deviation_per_type b ON b.org_id = a.org_id AND b.period = a.previous_period AND b.regime_group = a.regime_group
                                               AND b.type_code = a.type_code
            WHERE a.org_id = :org AND a.period = '2025' AND a.regime_group = 'SoL/LSS'),
          'the types are the view''s rows, the previous period''s row of the same type beside');
SELECT is(pg_temp.blk(:'doc', 'deviation_per_type', 'table') -> 'total', '{"category": "Totalt", "cases": 3, "cases_previous": 3}',
          'its total counts each report once');
SELECT is(pg_temp.blk(:'doc', 'deviation_per_type', 'table') -> 'notes' ->> 1,
          'En avvikelse kan ha flera typer: typerna 2025 summerar till 4 för 3 avvikelser (1 med mer än en typ).',
          'and a note says why the rows sum to more, with the total view''s numbers');
SELECT is(jsonb_array_length(pg_temp.blk(:'doc', 'deviation_per_type', 'table') -> 'notes'), 2,
          'only for the period where a report counts in several rows (the type note, then 2025''s)');
SELECT is(pg_temp.blk(:'doc', 'deviation_per_year', 'table') -> 'rows',
          (SELECT jsonb_agg(jsonb_build_object('category', period, 'reports', reports, 'escalated_to_lex_sarah', escalated_to_lex_sarah)
                            ORDER BY first_day)
             FROM sqm.stat_deviation_summary
            WHERE org_id = :org AND period_kind = 'year' AND regime_group = 'SoL/LSS' AND first_day <= '2025-01-01'),
          'the trend is the view''s years up to the period');
SELECT is(pg_temp.blk(:'doc', 'deviation_per_year', 'chart') ->> 'kind', 'line', 'drawn as a line chart');
SELECT is(pg_temp.blk(:'doc', 'deadlines_per_rule', 'table') -> 'rows' -> 0,
          (SELECT jsonb_build_object('category', a.label_sv, 'cases', a.cases, 'met_in_time', a.met_in_time, 'met_late', a.met_late,
                                     'overdue', a.overdue, 'overdue_previous', b.overdue, 'not_yet_due', a.not_yet_due, 'key_rule', a.rule)
             FROM sqm.stat_obligation a JOIN sqm.stat_obligation b ON b.org_id = a.org_id AND b.period = '2024' AND b.rule = a.rule
            WHERE a.org_id = :org AND a.period = '2025' AND a.rule = 'deviation_triage'),
          'the deadlines are sqm.stat_obligation''s');
SELECT is((SELECT cases || ' ' || met_in_time || ' ' || met_late || ' ' || overdue || ' ' || not_yet_due FROM sqm.stat_obligation
            WHERE org_id = :org AND period = '2025' AND rule = 'deviation_triage'), '3 0 0 3 0',
          'three reports of 2025, none triaged, all overdue at the follow-up');
SELECT is(pg_temp.val_as('tst_rep_um', format($$SELECT cases FROM sqm.stat_obligation WHERE org_id = %s AND period = '2025'
                                                  AND rule = 'deviation_triage'$$, :org)), '2',
          'a unit''s manager counts the obligations of the unit''s cases only (its two, not three)');
SELECT is(pg_temp.val_as('tst_rep_um', format($$SELECT (SELECT cases FROM sqm.stat_obligation_total WHERE org_id = %1$s AND period = '2025')
                                                         || ' ' || (SELECT sum(cases) FROM sqm.stat_obligation WHERE org_id = %1$s AND period = '2025')$$, :org)),
          (SELECT (SELECT sum(cases) FROM sqm.stat_obligation WHERE org_id = :org AND period = '2025') - 1 || ' '
                  || (SELECT sum(cases) FROM sqm.stat_obligation WHERE org_id = :org AND period = '2025') - 1),
          'and so does the total of the deadlines: one obligation fewer than the whole organisation''s, the sum of the manager''s rows');
SELECT is(sqm.report_markdown(:org, '2025') ~ E'\\| Alfa \\| 2 \\| 1 \\|\n\\| Beta \\| 0 \\| 2 \\|\n\\| Gamma \\| 1 \\| – \\|', true,
          'the Markdown shows the same rows');
SELECT is(sqm.report_html(:org, '2025') ~ '<th class="a-left" scope="row">Gamma</th><td class="a-right">1</td><td class="a-right na">–</td>', true,
          'and so does the HTML page');
SELECT is(pg_temp.try(format($$SELECT sqm.report_json(%s, '2027')$$, :org)),
          format('22023: period 2027 is not a reporting period of organisation %s', :org),
          'a report is of a period the views have for the organisation');
SELECT is(pg_temp.try(format($$SELECT sqm.report_json(%s, '2025', 'de')$$, :org)), '22023: unknown label language "de"',
          'in Swedish or English');
SELECT is(pg_temp.blk(sqm.report_json(:org, '2025', 'en'), 'deviation_per_type', 'table') -> 'rows' -> 0 ->> 'category', 'Documentation',
          'in English the labels are the views'' English ones');
SELECT is(sqm.report_json(:org, '2025', 'en') ->> 'title', 'Quality report 2025', 'and the fixed texts English');
SELECT is(pg_temp.sec(:'doc', 'deviation_departments'), NULL, 'no department subsections unless the organisation wants them');
SELECT sqm.set_report_setting(:org, true) \g /dev/null
SELECT sqm.report_json(:org, '2025') AS doc \gset
SELECT is((SELECT array_agg(s ->> 'title') FROM jsonb_array_elements(pg_temp.sec(:'doc', 'deviation_departments') -> 'sections') s),
          '{"Avdelning Norr","Avdelning Syd"}', 'then each chapter has a subsection per department');
SELECT is((SELECT jsonb_agg(r ->> 'category') FROM jsonb_array_elements(pg_temp.blk(:'doc', 'deviation_dep_' || :norr, 'table') -> 'rows') r),
          '["Alfa", "Beta"]', 'with the rows of the department''s units');
SELECT lives_ok(format('SELECT sqm.validate_report(%L)', :'doc'), 'the document is a valid report document');

-- ==================================================================== who may read and write it
SELECT is(pg_temp.try_as('tst_rep_out', format($$SELECT sqm.report_json(%s, '2025')$$, :org)),
          format('42704: organisation %s does not exist', :org), 'a coordinator of another organisation is told it does not exist');
SELECT is(pg_temp.try_as('tst_rep_out', $$SELECT sqm.report_json(999999, '2025')$$),
          '42704: organisation 999999 does not exist', 'as for one that does not');
SELECT is(pg_temp.denied(pg_temp.try_as('tst_rep_um', format($$SELECT sqm.report_json(%s, '2025')$$, :org))),
          format('42501: permission denied to read the quality report 2025 of organisation %s', :org),
          'a unit''s manager does not read the whole organisation''s report');
SELECT is(pg_temp.try_as('tst_rep_rr', format($$SELECT sqm.report_json(%s, '2025')$$, :org)),
          '42501: permission denied for function report_json', 'nor does the report reader (it carries free text)');
SELECT is(pg_temp.try_as('tst_rep_aud', format($$SELECT sqm.report_json(%s, '2025') ->> 'title'$$, :org)), 'ok',
          'the auditor does');
SELECT is(pg_temp.try_as('tst_rep_aud', format($$SELECT sqm.set_report_metadata(%s, '2025', scope => 'Allt')$$, :org)),
          '42501: permission denied for function set_report_metadata', 'but writes nothing of it');
SELECT is(pg_temp.denied(pg_temp.try_as('tst_rep_out', format($$SELECT sqm.set_report_metadata(%s, '2025', scope => 'Allt')$$, :org))),
          format('42501: permission denied to write the quality report 2025 of organisation %s', :org),
          'a coordinator of another organisation may not write it');
SELECT is(pg_temp.denied(pg_temp.try_as('tst_rep_out', $$SELECT sqm.set_report_metadata(999999, '2025', scope => 'Allt')$$)),
          '42501: permission denied to write the quality report 2025 of organisation 999999',
          'nor learn that an organisation does not exist (authorisation first)');
SELECT is(pg_temp.try($$SELECT sqm.set_report_metadata(999999, '2025', scope => 'Allt')$$),
          '42704: organisation 999999 does not exist', 'a superuser learns it');
SELECT is(pg_temp.try_as('tst_rep_coord', format($$SELECT sqm.set_report_analysis(%s, '2025', 'avvikelser', 'Text')$$, :org)),
          '22023: the quality report has no section "avvikelser"', 'analysis belongs to a chapter or section of the report');
SELECT is(pg_temp.try_as('tst_rep_coord', format($$SELECT sqm.set_report_analysis(%s, '2025', 'deviation_dep_%s', 'Text')$$, :org, :alfa)),
          '22023: the quality report has no section "deviation_dep_' || :alfa || '"', 'a department subsection is a department''s');

SELECT is(pg_temp.try_as('tst_rep_rr', 'SELECT count(*) FROM sqm.quality_report_detail'),
          '42501: permission denied for table quality_report_detail', 'the report reader reads no report text');
SELECT is(pg_temp.try_as('tst_rep_rr', 'SELECT html FROM sqm.report_publication'),
          '42501: permission denied for table report_publication', 'nor a published version''s document');

-- the coordinator writes the header, the summary and the analysis
SELECT is(pg_temp.try_as('tst_rep_coord', format($$SELECT sqm.set_report_metadata(%s, '2025', deciding_body => 'Socialnämnden',
                    scope => 'Hela förvaltningen', document_owner => 'Kvalitetsstrateg', summary => E'Första stycket.\n\nAndra stycket.')$$, :org)),
          'ok', 'the coordinator writes the header');
SELECT sqm.set_report_metadata(:org, '2025', deciding_body => 'Socialnämnden', scope => 'Hela förvaltningen',
                               document_owner => 'Kvalitetsstrateg', summary => E'Första stycket.\n\nAndra stycket.') AS report \gset
SELECT sqm.set_report_analysis(:org, '2025', 'deviation_per_unit', E'Alfa ökade.\n\nBeta minskade.') \g /dev/null
SELECT sqm.set_report_analysis(:org, '2025', 'deviation_dep_' || :norr, 'Norr i sammandrag.') \g /dev/null
SELECT sqm.set_report_analysis(:org, '2025', 'lex_sarah', 'Att tas bort.') \g /dev/null
SELECT sqm.set_report_analysis(:org, '2025', 'lex_sarah', '') \g /dev/null
SELECT sqm.report_json(:org, '2025') AS doc \gset
SELECT is(pg_temp.sec(:'doc', 'deviation_per_unit') -> 'analysis', '["Alfa ökade.", "Beta minskade."]',
          'a section''s analysis, in paragraphs');
SELECT is(pg_temp.sec(:'doc', 'deviation_dep_' || :norr) -> 'analysis', '["Norr i sammandrag."]', 'a department''s');
SELECT is(pg_temp.sec(:'doc', 'lex_sarah') -> 'analysis', NULL, 'an empty text removes one');
SELECT is(pg_temp.blk(:'doc', 'summary', 'text') -> 'paragraphs', '["Första stycket.", "Andra stycket."]', 'the summary opens the report');
SELECT is((SELECT jsonb_object_agg(m ->> 'key', m -> 'value') FROM jsonb_array_elements(:'doc'::jsonb -> 'metadata') m),
          '{"organisation": "Rapport A", "deciding_body": "Socialnämnden", "decision": null, "registry_number": null,
            "scope": "Hela förvaltningen", "validity": "2025 (2025-01-01 – 2025-12-31)", "owner": "Kvalitetsstrateg",
            "status": "Utkast, ej antaget"}', 'the header: what is written, and no decision while it is a draft');
SELECT is((SELECT count(*) FROM sqm.audit_event WHERE org_id = :org AND object_kind = 'quality_report' AND object_id = :report AND source = 'api'),
          7::bigint, 'every write of the report is an event of the audit trail (create, details, and each edit)');
SELECT is((SELECT after ->> 'analysis' FROM sqm.audit_event WHERE org_id = :org AND object_kind = 'quality_report' AND object_id = :report
            AND after ? 'analysis' ORDER BY seq DESC LIMIT 1) ~ '^sha256:[0-9a-f]{64}$', true,
          'the analysis, free text, enters the chain as a digest');

-- ==================================================================== the rules, for every writer
-- a reporting period of the organisation
SELECT is(regexp_replace(pg_temp.try(format($$SELECT sqm.set_report_metadata(%s, '2025', scope => 'Allt')$$, :orgb)), 'report [0-9]+', 'report N'),
          '23514: quality report N is for 2025, which is not a reporting period of organisation ' || :orgb,
          'B reports by quality year: no report for a calendar year (API)');
SELECT is(regexp_replace(pg_temp.try(format($$INSERT INTO sqm.quality_report (org_id, state, period, lang) VALUES (%s, 'draft', '2025', 'sv')$$, :orgb)),
                         'report [0-9]+', 'report N'),
          '23514: quality report N is for 2025, which is not a reporting period of organisation ' || :orgb, '(directly)');
SELECT is(pg_temp.try(format($$SELECT sqm.set_report_metadata(%s, '2024/25@9', scope => 'Allt')$$, :orgb)), 'ok', 'its quality year is');
SELECT is(pg_temp.try(format($$SELECT sqm.set_report_metadata(%s, '2025Q3', scope => 'Allt')$$, :orgb)), 'ok', 'and so is a quarter');
SELECT is(regexp_replace(pg_temp.try(format($$SELECT sqm.set_report_metadata(%s, '2024/25@7', scope => 'Allt')$$, :orgb)), 'report [0-9]+', 'report N'),
          '23514: quality report N is for 2024/25@7, which is not a reporting period of organisation ' || :orgb,
          'but not a quality year starting in another month');
-- its period never changes
SELECT is(pg_temp.try(format($$UPDATE sqm.quality_report SET period = '2024' WHERE id = %s$$, :report)),
          format('55000: quality report %s cannot change its period', :report), 'a report keeps its period (directly)');
-- adopted after the period, not on a day to come
SELECT is(pg_temp.try(format($$SELECT sqm.adopt_report(%s, '2025', '2025-12-31', 18, '2026.012 SN')$$, :org)),
          format('23514: quality report %s cannot be adopted on 2025-12-31, before its period 2025 is over', :report),
          'no adoption on the period''s last day (API)');
SELECT is(pg_temp.try(format($$UPDATE sqm.quality_report SET decision_date = '2025-12-31' WHERE id = %s$$, :report)),
          format('23514: quality report %s cannot be adopted on 2025-12-31, before its period 2025 is over', :report), '(directly)');
SELECT is(pg_temp.try(format($$SELECT sqm.adopt_report(%s, '2025', '2026-02-16', 18, '2026.012 SN')$$, :org)),
          format('23514: quality report %s cannot be adopted on 2026-02-16, a day still to come', :report),
          'nor on a day still to come (API)');
SELECT is(pg_temp.try(format($$UPDATE sqm.quality_report SET decision_date = '2026-02-16' WHERE id = %s$$, :report)),
          format('23514: quality report %s cannot be adopted on 2026-02-16, a day still to come', :report), '(directly)');
SELECT is(pg_temp.try(format($$UPDATE sqm.quality_report SET decision_date = '2026-01-01' WHERE id = %s$$, :report)), 'ok',
          'the day after the period is');
SELECT is(pg_temp.try(format($$SELECT sqm.adopt_report(%s, '2025', '2026-02-15', 0, '2026.012 SN')$$, :org)),
          '23514: new row for relation "quality_report" violates check constraint "quality_report_decision_paragraph_check"',
          'a paragraph is a positive number');
-- adopted only with its published version, which carries its decision
SELECT is(pg_temp.try(format($$UPDATE sqm.quality_report SET state = 'adopted', decision_date = '2026-02-15', decision_paragraph = 18,
                                regnr = '2026.012 SN', adopted_at = sqm.now() WHERE id = %s$$, :report)),
          format('SQ002: quality report %s cannot be adopted: its published version has not been made', :report),
          'no adoption without the published version (directly)');
SELECT is(pg_temp.try(format($$UPDATE sqm.quality_report SET state = 'adopted', decision_date = '2026-02-15', decision_paragraph = 18,
                                adopted_at = sqm.now() WHERE id = %s$$, :report)),
          format('SQ002: quality report %s cannot move from "draft" to "adopted" without regnr', :report), 'nor without its registry number');
SELECT is(pg_temp.try(format($$
    WITH h AS (SELECT * FROM sqm.audit_head(%1$s)),
         r AS (UPDATE sqm.quality_report SET decision_date = '2026-02-15', decision_paragraph = 18, regnr = '2026.012 SN' WHERE id = %2$s RETURNING id)
    INSERT INTO sqm.report_publication (org_id, report_id, lang, decision_date, decision_paragraph, regnr, audit_seq, audit_hash, document, markdown, html)
    SELECT %1$s, %2$s, 'sv', '2026-02-14', 18, '2026.012 SN', h.seq, h.hash, '{}', '', '' FROM h$$, :org, :report)),
          format('23514: the published version of quality report %s must carry the report''s decision', :report),
          'a published version carries the report''s decision');
SELECT is(pg_temp.try(format($$SELECT sqm.set_report_metadata(%1$s, '2025', scope => 'x');
    UPDATE sqm.quality_report SET decision_date = '2026-02-15', decision_paragraph = 18, regnr = '2026.012 SN' WHERE id = %2$s;
    INSERT INTO sqm.report_publication (org_id, report_id, lang, decision_date, decision_paragraph, regnr, audit_seq, audit_hash, document, markdown, html)
    VALUES (%1$s, %2$s, 'sv', '2026-02-15', 18, '2026.012 SN', 1, '\x00', '{}', '', '')$$, :org, :report)),
          format('23503: the published version of quality report %s names audit event 1, which is not in organisation %s''s audit chain', :report, :org),
          'and names an event of the organisation''s audit chain as its head');
SELECT is(pg_temp.try(format($$
    UPDATE sqm.quality_report SET decision_date = '2026-02-15', decision_paragraph = 18, regnr = '2026.012 SN' WHERE id = %2$s;
    INSERT INTO sqm.report_publication (org_id, report_id, lang, decision_date, decision_paragraph, regnr, audit_seq, audit_hash, document, markdown, html)
    SELECT %1$s, %2$s, 'sv', '2026-02-15', 18, '2026.012 SN', h.seq, h.hash, '{}', '', '' FROM sqm.audit_head(%1$s) h;
    UPDATE sqm.quality_report SET state = 'adopted', regnr = '2026.013 SN', adopted_at = sqm.now() WHERE id = %2$s$$, :org, :report)),
          format('SQ002: quality report %s cannot be adopted: its published version carries another decision', :report),
          'the adoption is refused when the published version carries another decision');
SELECT is(pg_temp.try(format($$
    UPDATE sqm.quality_report SET decision_date = '2026-02-15', decision_paragraph = 18, regnr = '2026.012 SN' WHERE id = %2$s;
    INSERT INTO sqm.report_publication (org_id, report_id, lang, decision_date, decision_paragraph, regnr, audit_seq, audit_hash, document, markdown, html)
    SELECT %1$s, %2$s, 'sv', '2026-02-15', 18, '2026.012 SN', h.seq, h.hash, '{}', '', '' FROM sqm.audit_head(%1$s) h;
    UPDATE sqm.quality_report SET state = 'adopted', adopted_at = sqm.now() WHERE id = %2$s$$, :org, :report)),
          'ok', 'and allowed when it carries the report''s');

-- ==================================================================== adoption freezes it
SELECT is(pg_temp.try_as('tst_rep_um', format($$SELECT sqm.adopt_report(%s, '2025', '2026-02-15', 18, '2026.012 SN')$$, :org)),
          '42501: permission denied for function adopt_report', 'a unit manager does not adopt the report');
SET LOCAL ROLE tst_rep_coord;
SELECT sqm.adopt_report(:org, '2025', '2026-02-15', 18, '2026.012 SN', 'Socialnämnden 2026-02-15 § 18') AS adopted \gset
RESET ROLE;
SELECT is(:adopted::bigint, :report::bigint, 'the coordinator records the committee''s adoption of the draft');
SELECT is((SELECT state || ' ' || decision_date || ' § ' || decision_paragraph || ' ' || regnr FROM sqm.quality_report WHERE id = :report),
          'adopted 2026-02-15 § 18 2026.012 SN', 'with its decision');
SELECT is((SELECT kind || ' ' || object_id FROM sqm.registry_entry WHERE org_id = :org AND regnr::text = '2026.012 SN'),
          'quality_report ' || :report, 'its registry number is claimed in the organisation''s registry');
SELECT is((SELECT string_agg(lang, ',' ORDER BY lang) FROM sqm.report_publication WHERE report_id = :report), 'en,sv',
          'its published version is frozen in both languages');
SELECT is(pg_temp.try(format($$SELECT sqm.adopt_report(%s, '2024', '2026-02-15', 19, '2026.012 SN')$$, :org)),
          format('23505: registry number 2026.012 SN of organisation %s is already held by quality report %s', :org, :report), 'a registry number is held by one matter of the organisation');
SELECT sqm.report_json(:org, '2025') AS pub \gset
SELECT sqm.report_html(:org, '2025') AS pub_html \gset
SELECT sqm.report_markdown(:org, '2025', 'en') AS pub_md \gset
SELECT is((SELECT jsonb_object_agg(m ->> 'key', m -> 'value') FROM jsonb_array_elements(:'pub'::jsonb -> 'metadata') m)
            - 'audit_head' - 'organisation' - 'scope' - 'owner' - 'validity' - 'deciding_body',
          '{"decision": "2026-02-15, § 18", "registry_number": "2026.012 SN", "status": "Antagen 2026-02-15"}',
          'the published report carries its decision');
SELECT is((SELECT m ->> 'value' FROM jsonb_array_elements(:'pub'::jsonb -> 'metadata') m WHERE m ->> 'key' = 'audit_head'),
          (SELECT 'händelse ' || audit_seq || ', SHA-256 ' || encode(audit_hash, 'hex') FROM sqm.report_publication
            WHERE report_id = :report AND lang = 'sv'),
          'and prints the head of the audit chain at adoption');
SELECT is((SELECT e.hash FROM sqm.audit_event e JOIN sqm.report_publication p ON p.org_id = e.org_id AND p.audit_seq = e.seq
            WHERE p.report_id = :report AND p.lang = 'sv'),
          (SELECT audit_hash FROM sqm.report_publication WHERE report_id = :report AND lang = 'sv'),
          'an event of the organisation''s chain');
SELECT is((SELECT object_kind || ' ' || change FROM sqm.audit_event e JOIN sqm.report_publication p ON p.org_id = e.org_id AND p.audit_seq = e.seq
            WHERE p.report_id = :report AND p.lang = 'sv'), 'quality_report edit', 'the one that recorded the decision');

SELECT is(pg_temp.val_as('tst_rep_um', format('SELECT count(*) FROM sqm.quality_report WHERE org_id = %s', :org)), '0',
          'a unit''s manager does not see the organisation''s report');
SELECT is(pg_temp.val_as('tst_rep_aud', format($$SELECT count(*) FROM sqm.report_publication WHERE org_id = %s
                                                   AND html LIKE '%%Antagen 2026-02-15%%'$$, :org)), '1',
          'the auditor reads the published version');
-- a case changed after the adoption leaves the published version identical
SELECT sqm.report_deviation(:org, :gamma, 'SoL', '2025-10-01 09:00+02', 'Sent inrapporterad', '{info}', '2025-10-01 10:00+02') AS late \gset
SELECT is((SELECT cases FROM sqm.stat_deviation_per_unit_total WHERE org_id = :org AND period = '2025' AND regime_group = 'SoL/LSS'
              AND attribution = 'today'), 4, 'a 2025 deviation reported after the adoption counts in the views');
SELECT is(sqm.report_json(:org, '2025'), :'pub'::jsonb, 'the published report is unchanged');
SELECT is(sqm.report_html(:org, '2025'), :'pub_html', 'as HTML');
SELECT is(sqm.report_markdown(:org, '2025', 'en'), :'pub_md', 'and as Markdown, in English too');
SELECT is(pg_temp.blk(sqm.report_document(:org, '2025', 'sv'), 'deviation_per_unit', 'table') -> 'total' -> 'cases', '4',
          'while a report built now would count it');
SELECT is(pg_temp.blk(:'pub', 'deviation_per_unit', 'table') -> 'total' -> 'cases', '3', 'the published one does not');
-- nothing of it changes
SELECT is(pg_temp.try(format($$UPDATE sqm.report_publication SET html = 'x' WHERE report_id = %s$$, :report)),
          'SQ010: table sqm.report_publication is append-only', 'its published version is never changed');
SELECT is(pg_temp.try(format($$DELETE FROM sqm.report_publication WHERE report_id = %s$$, :report)),
          'SQ010: table sqm.report_publication is append-only', 'or removed');
SELECT is(pg_temp.try($$TRUNCATE sqm.report_publication CASCADE$$),
          'SQ010: table sqm.report_publication is append-only', 'or truncated');
SELECT is(pg_temp.try(format($$INSERT INTO sqm.report_publication (org_id, report_id, lang, decision_date, decision_paragraph, regnr,
                                                                    audit_seq, audit_hash, document, markdown, html)
                                SELECT org_id, report_id, 'sv', decision_date, decision_paragraph, regnr, audit_seq, audit_hash, '{}', '', ''
                                  FROM sqm.report_publication WHERE report_id = %s AND lang = 'sv'$$, :report)),
          format('SQ004: quality report %s is adopted: its published version is frozen', :report), 'nor replaced');
SELECT is(pg_temp.try_as('tst_rep_coord', format($$SELECT sqm.set_report_analysis(%s, '2025', 'deviation', 'Sent tillägg')$$, :org)),
          format('SQ004: quality report %s is in terminal state "adopted" and cannot be changed', :report),
          'its analysis is not written after the adoption (API)');
SELECT is(pg_temp.try(format($$UPDATE sqm.quality_report_detail SET summary = 'Sent tillägg' WHERE id = %s$$, :report)),
          format('SQ004: quality report %s is in terminal state "adopted" and cannot be changed', :report), '(directly)');
SELECT is(pg_temp.try_as('tst_rep_coord', format($$SELECT sqm.adopt_report(%s, '2025', '2026-02-15', 19, '2026.013 SN')$$, :org)),
          format('SQ004: quality report %s is in terminal state "adopted" and cannot be changed', :report),
          'nor is it adopted again (API)');
SELECT is(pg_temp.try(format($$UPDATE sqm.quality_report SET decision_paragraph = 19 WHERE id = %s$$, :report)),
          format('SQ004: quality report %s is in terminal state "adopted" and cannot be changed', :report), '(directly)');

-- ==================================================================== the chain against the head the report prints
SELECT is((SELECT ok::text || ' ' || coalesce(problem, '') FROM sqm.verify_report_anchors(:org)), 'true ', 'the chain holds the printed head');
SELECT is(pg_temp.try_as('tst_rep_aud', format($$SELECT 1 FROM sqm.verify_report_anchors(%s) WHERE ok$$, :org)), 'ok',
          'the auditor checks it');
SELECT is((SELECT count(*) FROM sqm.verify_report_anchors(:org)), 1::bigint, 'one row per adopted report');
-- (quality coordinators hold read_audit in some builds: not here)
DELETE FROM sqm.role_capability WHERE role = 'quality_coordinator' AND capability = 'read_audit';
SET LOCAL ROLE tst_rep_coord;
SELECT is((SELECT count(*) FROM sqm.verify_report_anchors(:org)), 0::bigint, 'a coordinator without read_audit checks nothing');
RESET ROLE;
-- a superuser with the triggers off alters the head event: not the printed one
SAVEPOINT altered;
SET LOCAL session_replication_role = replica;
UPDATE sqm.audit_event SET reason = 'sha256:' || repeat('0', 64), hash = sha256('altered')
 WHERE org_id = :org AND seq = (SELECT audit_seq FROM sqm.report_publication WHERE report_id = :report AND lang = 'sv');
SET LOCAL session_replication_role = origin;
SELECT is((SELECT ok::text || ' ' || problem FROM sqm.verify_report_anchors(:org)),
          'false hash: audit event ' || (SELECT audit_seq FROM sqm.report_publication WHERE report_id = :report AND lang = 'sv')
          || ' is not the event the report adopted on 2026-02-15 printed (its hash differs)',
          'an altered head event is not the event the report printed');
ROLLBACK TO SAVEPOINT altered;
-- a superuser with the triggers off removes the newest events, the head among them
SELECT audit_seq AS head FROM sqm.report_publication WHERE report_id = :report AND lang = 'sv' \gset
SET LOCAL session_replication_role = replica;
DELETE FROM sqm.audit_value WHERE org_id = :org AND seq >= :head;
DELETE FROM sqm.audit_event WHERE org_id = :org AND seq >= :head;
SET LOCAL session_replication_role = origin;
SELECT is((SELECT ok FROM sqm.verify_audit(:org)), true, 'the shortened chain is still whole: verify_audit sees nothing');
SELECT is((SELECT ok::text || ' ' || problem FROM sqm.verify_report_anchors(:org)),
          format('false seq: audit event %s, the head printed in the report adopted on 2026-02-15, is gone: the chain ends at event %s',
                 :head, :head - 1), 'the published report shows that it was cut short');
SELECT * FROM finish();
ROLLBACK;
