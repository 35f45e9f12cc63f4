-- The quality report document (domain.md §6; doc/report.md): built from the
-- registered chapters and sections (86_report.sql) and the statistics views,
-- exported as the report document model, drawn as Markdown and HTML
-- (85_report_render.sql); the coordinator's API for its text and its
-- adoption; and the check of the audit chain against the heads the adopted
-- reports print.
--
--   sqm.report_json(org, period, lang)      the whole report as one jsonb document
--   sqm.report_markdown(org, period, lang)  … as Markdown
--   sqm.report_html(org, period, lang)      … as one self-contained HTML page
--   sqm.set_report_setting(org, …)          department subsections or not
--   sqm.set_report_metadata(org, period, …) the header and the summary
--   sqm.set_report_analysis(org, period, section, text)
--   sqm.adopt_report(org, period, decision_date, paragraph, regnr)
--   sqm.verify_report_anchors(org)          the chain against the adopted heads
--
-- Every number of the document is read from a statistics view or its total
-- view, as the section registering it says; the builder computes none.  An
-- adopted report is its published version (sqm.report_publication), frozen at
-- adoption; a draft is built from the views when asked for.  The builder runs
-- with the caller's rights (SECURITY INVOKER): a reader sees the statistics
-- row-level security lets them see; adoption builds the published version as
-- the extension's owner, so it is the whole organisation's report whoever
-- records the decision.

-- ---------------------------------------------------------------------------
-- Small helpers.

-- Fixed texts of the report in the two languages.
CREATE FUNCTION sqm.report_text(what text, lang text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT CASE WHEN lang OPERATOR(pg_catalog.=) 'en' THEN t.en ELSE t.sv END
      FROM (VALUES
        ('title', 'Kvalitetsberättelse {period}', 'Quality report {period}'),
        ('organisation', 'Organisation', 'Organisation'),
        ('deciding_body', 'Beslutande organ', 'Deciding body'),
        ('decision', 'Beslut', 'Decision'),
        ('registry_number', 'Diarienummer', 'Registry number'),
        ('scope', 'Omfattning', 'Scope'),
        ('validity', 'Giltighet', 'Validity'),
        ('owner', 'Dokumentägare', 'Document owner'),
        ('status', 'Status', 'Status'),
        ('draft', 'Utkast, ej antaget', 'Draft, not adopted'),
        ('adopted', 'Antagen {date}', 'Adopted on {date}'),
        ('audit_head', 'Granskningsloggens huvud vid antagandet', 'Head of the audit trail at adoption'),
        ('audit_head_value', 'händelse {seq}, SHA-256 {hash}', 'event {seq}, SHA-256 {hash}'),
        ('validity_value', '{period} ({first} – {last})', '{period} ({first} – {last})'),
        ('decision_value', '{date}, § {paragraph}', '{date}, § {paragraph}'),
        ('total', 'Totalt', 'Total'),
        ('summary', 'Sammanfattning', 'Summary'),
        ('departments', 'Per avdelning', 'By department'),
        ('departments_text', 'Avdelningarnas enheter, ur tabellerna ovan. Ett ärende som rör enheter i flera avdelningar står under var och en av dem.',
                             'The departments'' units, from the tables above. A case concerning units of several departments is shown under each of them.'),
        ('yes', 'ja', 'yes'),
        ('no', 'nej', 'no'),
        ('about', 'Om berättelsen', 'About this report'),
        ('about_numbers', 'Alla tal i berättelsen kommer från sqm:s statistikvyer för {organisation} och perioden {period} ({first} – {last}); källan står under varje tabell. Ett ärende räknas i den period som dess datum enligt tabellen faller i, i organisationens tidszon. Tabeller med en total visar den ur vyns totalvy: där ett ärende räknas på flera rader (ett ärende som rör flera enheter eller har flera typer) säger en anmärkning hur raderna och totalen förhåller sig.',
                          'Every figure of this report comes from sqm''s statistics views for {organisation} and the period {period} ({first} – {last}); the source is named under each table. A case counts in the period its date (as the table says) falls in, in the organisation''s time zone. Tables with a total read it from the view''s total view: where a case counts in several rows (a case concerning several units, or of several types) a note says how the rows and the total relate.'),
        ('about_dash', '– betyder att det inte finns någon uppgift, till exempel för en enhet som inte fanns under perioden; 0 betyder att enheten fanns men inte hade något ärende.',
                       '– means there is no figure, for example for a unit that did not exist in the period; 0 means the unit existed and had no case.'),
        ('about_draft', 'Detta är ett utkast, framställt {date}. Talen följer ärendena så länge berättelsen inte är antagen; när nämnden antar den fryses den publicerade versionen.',
                        'This is a draft, made on {date}. Its figures follow the cases until the report is adopted; when the committee adopts it, its published version is frozen.'),
        ('about_adopted', 'Berättelsen antogs av {body} den {date} (§ {paragraph}, diarienummer {regnr}). Den publicerade versionen är fryst: senare ändringar av ärenden ändrar den inte.',
                          'The report was adopted by {body} on {date} (§ {paragraph}, registry number {regnr}). Its published version is frozen: later changes of cases do not change it.'),
        ('about_anchor', 'Granskningsloggens huvud vid antagandet var händelse {seq} med SHA-256 {hash}. Den publicerade berättelsen förankrar därmed loggen: en granskare kontrollerar med sqm.verify_report_anchors() att loggen fortfarande innehåller händelsen, och med sqm.verify_audit() att den är obruten fram till den.',
                         'The head of the audit trail at adoption was event {seq} with SHA-256 {hash}. The published report thereby anchors the trail: an auditor checks with sqm.verify_report_anchors() that the trail still holds that event, and with sqm.verify_audit() that it is unbroken up to it.'),
        ('committee', 'nämnden', 'the committee')) AS t(what, sv, en)
     WHERE t.what OPERATOR(pg_catalog.=) report_text.what;
END;
COMMENT ON FUNCTION sqm.report_text(text, text) IS
  'Internal: a fixed text of the quality report (title, header labels, the closing section) in Swedish or English';

-- A template with {name} placeholders filled from a jsonb object of texts
-- (a placeholder without a value stays as it is).
CREATE FUNCTION sqm.report_fill(template text, vars jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v  record;
    t  text := template;
BEGIN
    IF t IS NULL THEN
        RETURN NULL;
    END IF;
    FOR v IN SELECT * FROM jsonb_each_text(coalesce(vars, '{}')) LOOP
        t := replace(t, '{' || v.key || '}', coalesce(v.value, '–'));
    END LOOP;
    RETURN t;
END
$$;
COMMENT ON FUNCTION sqm.report_fill(text, jsonb) IS 'Internal: a template of the report with its {name} placeholders filled in';

-- A period as the report writes it: a quality year without its start month.
CREATE FUNCTION sqm.report_period_label(period text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN regexp_replace(period, '@[0-9]+$', '');
COMMENT ON FUNCTION sqm.report_period_label(text) IS 'Internal: a period as the report writes it (2024/25 for the quality year 2024/25@9)';

-- Text in paragraphs: blank lines separate them.
CREATE FUNCTION sqm.report_paragraphs(t text) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN (SELECT coalesce(jsonb_agg(btrim(p) ORDER BY n), '[]')
          FROM regexp_split_to_table(coalesce(t, ''), '\n\s*\n') WITH ORDINALITY AS x(p, n)
         WHERE btrim(p) OPERATOR(pg_catalog.<>) '');
COMMENT ON FUNCTION sqm.report_paragraphs(text) IS 'Internal: text as a jsonb array of paragraphs (blank lines separate them)';

-- An object without its members that are null (only at the top: a null in a
-- table's rows is a figure that is missing and stays).
CREATE FUNCTION sqm.report_compact(j jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN (SELECT coalesce(jsonb_object_agg(e.key, e.value), '{}') FROM jsonb_each(j) e
         WHERE jsonb_typeof(e.value) OPERATOR(pg_catalog.<>) 'null');
COMMENT ON FUNCTION sqm.report_compact(jsonb) IS 'Internal: a jsonb object without its members that are null (at the top level only)';

-- A value of a view as a cell of the document: numbers stay numbers, a yes
-- or no is written out, anything else is its text; NULL stays no figure.
CREATE FUNCTION sqm.report_cell(v jsonb, lang text) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN CASE WHEN v IS NULL THEN 'null'::jsonb
            WHEN jsonb_typeof(v) OPERATOR(pg_catalog.=) ANY ('{number,string,null}'::text[]) THEN v
            WHEN jsonb_typeof(v) OPERATOR(pg_catalog.=) 'boolean'
                 THEN to_jsonb(sqm.report_text(CASE WHEN v OPERATOR(pg_catalog.=) 'true'::jsonb THEN 'yes' ELSE 'no' END, lang))
            ELSE to_jsonb(v OPERATOR(pg_catalog.#>>) '{}') END;
COMMENT ON FUNCTION sqm.report_cell(jsonb, text) IS 'Internal: a value of a statistics view as a cell of the report document';

-- The WHERE clause of a section's query: the organisation, the section's
-- filter (on the columns the relation has) and a department.
CREATE FUNCTION sqm.report_where(rel regclass, org bigint, filter jsonb, department bigint) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN format('v.org_id OPERATOR(pg_catalog.=) %s%s%s', org,
              coalesce((SELECT string_agg(format(' AND v.%I::text OPERATOR(pg_catalog.=) %L', f.key, f.value OPERATOR(pg_catalog.#>>) '{}'),
                                          '' ORDER BY f.key)
                          FROM jsonb_each(coalesce(filter, '{}')) f
                         WHERE EXISTS (SELECT FROM pg_attribute a
                                        WHERE a.attrelid OPERATOR(pg_catalog.=) rel AND a.attname OPERATOR(pg_catalog.=) f.key
                                          AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped)), ''),
              CASE WHEN department IS NULL THEN '' ELSE format(' AND v.department_id OPERATOR(pg_catalog.=) %s', department) END);
COMMENT ON FUNCTION sqm.report_where(regclass, bigint, jsonb, bigint) IS
  'Internal: the conditions of a report section''s query on a view (v): organisation, the section''s filter on the columns the view has, a department';

-- ---------------------------------------------------------------------------
-- A section: its blocks (text, table, chart), read from its view.

CREATE FUNCTION sqm.report_section_blocks(sec sqm.report_section, org bigint, period text, previous_period text,
                                          first_day date, period_kind text, lang text,
                                          department bigint DEFAULT NULL, department_name text DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
    en        boolean := lang = 'en';
    vars      jsonb := jsonb_build_object('period', sqm.report_period_label(period),
                                          'previous_period', sqm.report_period_label(previous_period));
    title     text := sqm.report_fill(CASE WHEN en THEN sec.title_en ELSE sec.title_sv END, vars);
    caption   text := title || CASE WHEN department_name IS NULL THEN '' ELSE ' – ' || department_name END;
    wh        text := sqm.report_where(sec.view_name, org, sec.view_filter, department);
    total_v   regclass := (SELECT s.total_view FROM sqm.stat_view s WHERE s.view_name = sec.view_name);
    cat_col   text;
    in_lang   jsonb;
    has_prev  boolean := previous_period IS NOT NULL;
    cur       jsonb;
    prev      jsonb := '[]';
    prev_map  jsonb := '{}';
    tot       jsonb;
    tot_prev  jsonb;
    cols   jsonb;
    tab_rows      jsonb := '[]';
    total_row jsonb;
    notes     jsonb;
    blocks    jsonb := '[]';
    spec      jsonb;
    r         jsonb;
    k         text;
    cells       jsonb;
    c         text;
    pc        text;
    seen      jsonb := '{}';
    n         integer;
    chart_c   text;
    series    jsonb;
    src       text;
BEGIN
    -- a column in the report's language, where the view has one (label: label_sv or label_en)
    SELECT coalesce(jsonb_object_agg(a.attname, b.attname), '{}') INTO in_lang
      FROM pg_attribute a JOIN pg_attribute b ON b.attrelid = a.attrelid AND b.attname = a.attname || '_' || lang
     WHERE a.attrelid = sec.view_name AND a.attnum > 0 AND NOT a.attisdropped AND NOT b.attisdropped;
    cat_col := coalesce(in_lang ->> sec.category, sec.category);

    IF sec.layout = 'years' THEN
        -- the periods of the same kind up to this one, the latest six
        EXECUTE format('SELECT coalesce(jsonb_agg(x.j ORDER BY x.first_day), ''[]'')
                          FROM (SELECT to_jsonb(v) AS j, v.first_day FROM %s v
                                 WHERE %s AND v.period_kind OPERATOR(pg_catalog.=) $1 AND v.first_day OPERATOR(pg_catalog.<=) $2
                                 ORDER BY v.first_day DESC LIMIT 6) x', sec.view_name, wh)
           INTO cur USING period_kind, first_day;
    ELSE
        EXECUTE format('SELECT coalesce(jsonb_agg(x.j ORDER BY x.n), ''[]'')
                          FROM (SELECT to_jsonb(v) AS j, pg_catalog.row_number() OVER () AS n FROM %s v
                                 WHERE %s AND v.period OPERATOR(pg_catalog.=) $1%s) x',
                       sec.view_name, wh, CASE WHEN sec.max_rows IS NULL THEN '' ELSE ' LIMIT ' || sec.max_rows END)
           INTO cur USING period;
        -- the previous period's rows, where a column is put beside by keys
        IF has_prev AND sec.layout = 'period'
           AND EXISTS (SELECT FROM jsonb_array_elements(sec.value_columns) e WHERE e -> 'previous' = 'true') THEN
            EXECUTE format('SELECT coalesce(jsonb_agg(x.j ORDER BY x.n), ''[]'')
                              FROM (SELECT to_jsonb(v) AS j, pg_catalog.row_number() OVER () AS n FROM %s v
                                     WHERE %s AND v.period OPERATOR(pg_catalog.=) $1) x', sec.view_name, wh)
               INTO prev USING previous_period;
            SELECT coalesce(jsonb_object_agg(m.key, m.j), '{}') INTO prev_map
              FROM (SELECT DISTINCT ON (1) (SELECT jsonb_agg(p.j -> kk) FROM unnest(sec.keys) kk)::text AS key, p.j
                      FROM jsonb_array_elements(prev) WITH ORDINALITY AS p(j, i) ORDER BY 1, p.i) m;
        END IF;
        IF sec.total AND total_v IS NOT NULL AND department IS NULL THEN
            EXECUTE format('SELECT to_jsonb(v) FROM %s v WHERE %s AND v.period OPERATOR(pg_catalog.=) $1 LIMIT 1',
                           total_v, sqm.report_where(total_v, org, sec.view_filter, NULL))
               INTO tot USING period;
            IF has_prev THEN
                EXECUTE format('SELECT to_jsonb(v) FROM %s v WHERE %s AND v.period OPERATOR(pg_catalog.=) $1 LIMIT 1',
                               total_v, sqm.report_where(total_v, org, sec.view_filter, NULL))
                   INTO tot_prev USING previous_period;
            END IF;
        END IF;
    END IF;

    -- the columns: the category, each value (and its previous), the keys hidden
    cols := jsonb_build_array(jsonb_build_object('key', 'category', 'label',
                                 CASE WHEN en THEN sec.category_label_en ELSE sec.category_label_sv END, 'align', 'left'));
    FOR spec IN SELECT e FROM jsonb_array_elements(sec.value_columns) e LOOP
        cols := cols || jsonb_build_object('key', spec ->> 'column', 'label',
                                  sqm.report_fill(spec ->> CASE WHEN en THEN 'label_en' ELSE 'label_sv' END, vars));
        IF has_prev AND sec.layout = 'period' AND coalesce(spec ->> 'previous', 'false') <> 'false' THEN
            cols := cols || jsonb_build_object('key', (spec ->> 'column') || '_previous', 'label',
                                      sqm.report_fill(coalesce(spec ->> CASE WHEN en THEN 'previous_label_en' ELSE 'previous_label_sv' END,
                                                               '{previous_period}'), vars));
        END IF;
    END LOOP;
    FOREACH k IN ARRAY sec.keys LOOP
        cols := cols || jsonb_build_object('key', 'key_' || k, 'label', k, 'hidden', true);
    END LOOP;

    -- the rows: this period's, then the previous period's that have no row now
    FOR r IN SELECT e FROM jsonb_array_elements(cur) e
             UNION ALL
             SELECT p FROM jsonb_array_elements(prev) p
              WHERE NOT EXISTS (SELECT FROM jsonb_array_elements(cur) e
                                 WHERE (SELECT jsonb_agg(e -> kk) FROM unnest(sec.keys) kk)
                                       = (SELECT jsonb_agg(p -> kk) FROM unnest(sec.keys) kk)) LOOP
        k := (SELECT jsonb_agg(r -> kk) FROM unnest(sec.keys) kk)::text;
        IF k IS NOT NULL THEN
            CONTINUE WHEN seen ? k;
            seen := seen || jsonb_build_object(k, true);
        END IF;
        -- a row's name starts with a capital, as a table's rows do (the
        -- labels are written for use in a sentence: "avslutade")
        cells := jsonb_build_object('category',
                   CASE WHEN sec.layout = 'years' THEN to_jsonb(sqm.report_period_label(r ->> 'period'))
                        WHEN jsonb_typeof(r -> cat_col) = 'string'
                        THEN to_jsonb(upper(left(r ->> cat_col, 1)) || substr(r ->> cat_col, 2))
                        ELSE sqm.report_cell(r -> cat_col, lang) END);
        FOR spec IN SELECT e FROM jsonb_array_elements(sec.value_columns) e LOOP
            c := spec ->> 'column';
            -- a row of the previous period only: no figure for this period
            cells := cells || jsonb_build_object(c, CASE WHEN r ->> 'period' = period OR sec.layout = 'years'
                                                     THEN sqm.report_cell(r -> coalesce(in_lang ->> c, c), lang) ELSE 'null'::jsonb END);
            IF has_prev AND sec.layout = 'period' AND coalesce(spec ->> 'previous', 'false') <> 'false' THEN
                cells := cells || jsonb_build_object(c || '_previous',
                           CASE WHEN jsonb_typeof(spec -> 'previous') = 'string' THEN sqm.report_cell(r -> (spec ->> 'previous'), lang)
                                ELSE sqm.report_cell(prev_map -> k -> c, lang) END);
            END IF;
        END LOOP;
        FOREACH pc IN ARRAY sec.keys LOOP
            cells := cells || jsonb_build_object('key_' || pc, r -> pc);
        END LOOP;
        -- no figure but zeros in either period: left out where the section says so
        IF sec.hide_empty AND NOT EXISTS (SELECT FROM jsonb_each(cells) x
                                           WHERE x.key <> 'category' AND x.key NOT LIKE 'key\_%'
                                             AND jsonb_typeof(x.value) = 'number' AND x.value <> '0') THEN
            CONTINUE;
        END IF;
        tab_rows := tab_rows || cells;
    END LOOP;

    -- the total, from the total view
    IF tot IS NOT NULL THEN
        total_row := jsonb_build_object('category', sqm.report_text('total', lang));
        FOR spec IN SELECT e FROM jsonb_array_elements(sec.value_columns) e LOOP
            c := spec ->> 'column';
            -- a column the total view does not total is left empty (not "–": a
            -- figure that is not there, rather than one that is missing)
            total_row := total_row || jsonb_build_object(c, CASE WHEN tot ? c THEN tot -> c ELSE '""' END);
            IF has_prev AND coalesce(spec ->> 'previous', 'false') <> 'false' THEN
                total_row := total_row || jsonb_build_object(c || '_previous',
                    CASE WHEN jsonb_typeof(spec -> 'previous') = 'string' AND tot ? (spec ->> 'previous') THEN tot -> (spec ->> 'previous')
                         WHEN spec -> 'previous' = 'true' AND tot_prev ? c THEN tot_prev -> c
                         ELSE '""' END);
            END IF;
        END LOOP;
    END IF;

    -- notes: the section's own (once: not again under each department), then
    -- where a case counts in several rows
    notes := CASE WHEN department IS NULL THEN to_jsonb(CASE WHEN en THEN sec.notes_en ELSE sec.notes_sv END) ELSE '[]' END;
    IF tot IS NOT NULL AND (CASE WHEN en THEN sec.several_en ELSE sec.several_sv END) IS NOT NULL THEN
        FOR r IN SELECT x.j FROM (VALUES
                     (1, jsonb_build_object('period', sqm.report_period_label(period), 'cases', tot -> 'cases',
                                            'counted', tot -> 'counted_in_several_rows', 'several', tot -> 'cases_in_several_rows')),
                     (2, CASE WHEN NOT has_prev THEN NULL
                              WHEN tot ? 'previous_counted_in_several_rows' THEN
                                  jsonb_build_object('period', sqm.report_period_label(previous_period), 'cases', tot -> 'previous_cases',
                                                     'counted', tot -> 'previous_counted_in_several_rows', 'several', NULL)
                              WHEN tot_prev IS NOT NULL THEN
                                  jsonb_build_object('period', sqm.report_period_label(previous_period), 'cases', tot_prev -> 'cases',
                                                     'counted', tot_prev -> 'counted_in_several_rows',
                                                     'several', tot_prev -> 'cases_in_several_rows') END)) AS x(i, j)
                  WHERE x.j IS NOT NULL AND coalesce((x.j ->> 'counted')::integer, 0) > 0 ORDER BY x.i LOOP
            notes := notes || to_jsonb(sqm.report_fill(CASE WHEN en THEN sec.several_en ELSE sec.several_sv END,
                                 jsonb_build_object('period', r ->> 'period', 'cases', r ->> 'cases',
                                                    'sum', ((r ->> 'cases')::integer + (r ->> 'counted')::integer)::text,
                                                    'several', coalesce(r ->> 'several', '–'))));
        END LOOP;
    END IF;

    src := sec.view_name::text
        || coalesce(' (' || (SELECT string_agg(format('%s = %s', f.key, f.value #>> '{}'), ', ' ORDER BY f.key)
                               FROM jsonb_each(sec.view_filter) f) || ')', '')
        || CASE WHEN tot IS NOT NULL THEN ', ' || total_v::text ELSE '' END;

    IF department IS NULL AND (CASE WHEN en THEN sec.text_en ELSE sec.text_sv END) IS NOT NULL THEN
        blocks := blocks || jsonb_build_object('type', 'text', 'paragraphs',
                                               sqm.report_paragraphs(CASE WHEN en THEN sec.text_en ELSE sec.text_sv END));
    END IF;
    blocks := blocks || sqm.report_compact(jsonb_build_object('type', 'table', 'caption', caption, 'columns', cols,
                                                             'rows', tab_rows, 'total', total_row,
                                                             'notes', CASE WHEN jsonb_array_length(notes) > 0 THEN notes END,
                                                             'source', src));

    -- the chart, of the rows the table shows (a department's few units are
    -- read from its table: no chart of their own)
    n := jsonb_array_length(tab_rows);
    IF sec.chart IS NOT NULL AND n > 0 AND department IS NULL THEN
        IF sec.chart = 'line' THEN
            SELECT jsonb_agg(jsonb_build_object('name', sqm.report_fill(e ->> CASE WHEN en THEN 'label_en' ELSE 'label_sv' END, vars),
                                                'values', (SELECT jsonb_agg(coalesce(x -> (e ->> 'column'), 'null') ORDER BY i)
                                                             FROM jsonb_array_elements(tab_rows) WITH ORDINALITY AS y(x, i)))
                             ORDER BY o)
              INTO series FROM jsonb_array_elements(sec.value_columns) WITH ORDINALITY AS s(e, o);
        ELSE
            chart_c := coalesce(sec.chart_column, sec.value_columns -> 0 ->> 'column');
            series := jsonb_build_array(jsonb_build_object('name', sqm.report_period_label(period),
                          'values', (SELECT jsonb_agg(coalesce(x -> chart_c, 'null') ORDER BY i)
                                       FROM jsonb_array_elements(tab_rows) WITH ORDINALITY AS y(x, i))));
            IF sec.chart IN ('bar_pair', 'hbar') AND cols @> jsonb_build_array(jsonb_build_object('key', chart_c || '_previous')) THEN
                series := series || jsonb_build_object('name', sqm.report_period_label(previous_period),
                              'values', (SELECT jsonb_agg(coalesce(x -> (chart_c || '_previous'), 'null') ORDER BY i)
                                           FROM jsonb_array_elements(tab_rows) WITH ORDINALITY AS y(x, i)));
            END IF;
        END IF;
        IF sec.chart <> 'bar_pair' OR jsonb_array_length(series) = 2 THEN
            blocks := blocks || sqm.report_compact(jsonb_build_object(
                'type', 'chart', 'kind', sec.chart,
                'title', coalesce(sqm.report_fill(CASE WHEN en THEN sec.chart_title_en ELSE sec.chart_title_sv END, vars)
                                  || CASE WHEN department_name IS NULL THEN '' ELSE ' – ' || department_name END, caption),
                'category_label', CASE WHEN en THEN sec.category_label_en ELSE sec.category_label_sv END,
                'axis_label', CASE WHEN en THEN sec.axis_label_en ELSE sec.axis_label_sv END,
                'categories', (SELECT jsonb_agg(coalesce(x ->> 'category', '–') ORDER BY i)
                                 FROM jsonb_array_elements(tab_rows) WITH ORDINALITY AS y(x, i)),
                'series', series,
                'source', src));
        END IF;
    END IF;
    RETURN blocks;
END
$$;
COMMENT ON FUNCTION sqm.report_section_blocks(sqm.report_section, bigint, text, text, date, text, text, bigint, text) IS
  'Internal: the blocks of one report section (its text, its table with the previous period beside and the total from the total view, notes, its chart) for an organisation and period, every number read from the section''s statistics view; restricted to a department''s units when one is given';

-- ---------------------------------------------------------------------------
-- The document.

-- The report of an organisation and period as the report document model,
-- built from the views now.  adopting: the document the committee adopts
-- (its status and the head of the audit chain it anchors).
CREATE FUNCTION sqm.report_document(org bigint, period text, lang text, adopting boolean DEFAULT false,
                                    head_seq bigint DEFAULT NULL, head_hash bytea DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
    en        boolean := lang = 'en';
    per       record;
    org_name  text;
    rep       record;
    analysis  jsonb := '{}';
    vars      jsonb;
    today     text;
    dept_on   boolean;
    ch        record;
    sec       sqm.report_section;
    subs      jsonb;
    deps      jsonb;
    dep       record;
    dblocks   jsonb;
    sections  jsonb := '[]';
    about     jsonb;
    metadata  jsonb;
    head_text text;
BEGIN
    SELECT p.* INTO per FROM sqm.stat_period p
     WHERE p.org_id OPERATOR(pg_catalog.=) org AND p.period OPERATOR(pg_catalog.=) report_document.period;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'period % is not a reporting period of organisation %', period, org
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A report covers one of the periods the statistics views have for the organisation: its reporting years, quarters and months from its first unit to today.',
                  HINT = 'sqm.stat_period lists them.';
    END IF;
    SELECT o.name INTO org_name FROM sqm.organisation o WHERE o.org_id OPERATOR(pg_catalog.=) org;
    SELECT r.*, d.subtitle, d.deciding_body, d.scope, d.validity, d.document_owner, d.summary, d.analysis AS texts
      INTO rep
      FROM sqm.quality_report r
      LEFT JOIN sqm.quality_report_detail d ON d.org_id OPERATOR(pg_catalog.=) r.org_id AND d.id OPERATOR(pg_catalog.=) r.id
     WHERE r.org_id OPERATOR(pg_catalog.=) org AND r.period OPERATOR(sqm.=) report_document.period::sqm.period;
    IF FOUND THEN
        analysis := coalesce(rep.texts, '{}');
    END IF;
    today := to_char((sqm.now() AT TIME ZONE (SELECT o.time_zone FROM sqm.organisation o WHERE o.org_id OPERATOR(pg_catalog.=) org))::date, 'YYYY-MM-DD');
    vars := jsonb_build_object('period', sqm.report_period_label(per.period),
                               'previous_period', sqm.report_period_label(per.previous_period),
                               'first', to_char(per.first_day, 'YYYY-MM-DD'), 'last', to_char(per.last_day, 'YYYY-MM-DD'),
                               'organisation', org_name, 'date', today);
    dept_on := coalesce((SELECT s.department_sections FROM sqm.report_setting s WHERE s.org_id OPERATOR(pg_catalog.=) org), false);

    -- the summary, then one chapter per kind, then how the report was made
    IF rep.summary IS NOT NULL THEN
        sections := sections || jsonb_build_object('id', 'summary', 'title', sqm.report_text('summary', lang),
                                                   'blocks', jsonb_build_array(jsonb_build_object(
                                                       'type', 'text', 'paragraphs', sqm.report_paragraphs(rep.summary))));
    END IF;
    FOR ch IN SELECT c.* FROM sqm.report_chapter c
               WHERE EXISTS (SELECT FROM sqm.report_section s WHERE s.chapter OPERATOR(pg_catalog.=) c.chapter)
               ORDER BY c.ord, c.chapter LOOP
        subs := '[]';
        FOR sec IN SELECT s.* FROM sqm.report_section s WHERE s.chapter OPERATOR(pg_catalog.=) ch.chapter ORDER BY s.ord, s.section LOOP
            subs := subs || sqm.report_compact(jsonb_build_object(
                'id', sec.section,
                'title', sqm.report_fill(CASE WHEN en THEN sec.title_en ELSE sec.title_sv END, vars),
                'blocks', sqm.report_section_blocks(sec, org, per.period, per.previous_period, per.first_day, per.period_kind, lang),
                'analysis', CASE WHEN analysis ? sec.section THEN sqm.report_paragraphs(analysis ->> sec.section) END));
        END LOOP;

        -- the departments' subsections, where the organisation wants them
        IF dept_on AND EXISTS (SELECT FROM sqm.report_section s WHERE s.chapter OPERATOR(pg_catalog.=) ch.chapter AND s.per_department) THEN
            deps := '[]';
            FOR dep IN SELECT x.department_id, x.department_name
                       FROM sqm.report_departments(org, per.period, ch.chapter) x LOOP
                dblocks := '[]';
                FOR sec IN SELECT s.* FROM sqm.report_section s
                            WHERE s.chapter OPERATOR(pg_catalog.=) ch.chapter AND s.per_department ORDER BY s.ord, s.section LOOP
                    dblocks := dblocks || sqm.report_section_blocks(sec, org, per.period, per.previous_period, per.first_day,
                                                                    per.period_kind, lang, dep.department_id, dep.department_name);
                END LOOP;
                deps := deps || sqm.report_compact(jsonb_build_object(
                    'id', ch.chapter || '_dep_' || dep.department_id, 'title', dep.department_name, 'blocks', dblocks,
                    'analysis', CASE WHEN analysis ? (ch.chapter || '_dep_' || dep.department_id)
                                     THEN sqm.report_paragraphs(analysis ->> (ch.chapter || '_dep_' || dep.department_id)) END));
            END LOOP;
            IF jsonb_array_length(deps) > 0 THEN
                subs := subs || jsonb_build_object('id', ch.chapter || '_departments', 'title', sqm.report_text('departments', lang),
                                                   'blocks', jsonb_build_array(jsonb_build_object('type', 'text', 'paragraphs',
                                                       jsonb_build_array(sqm.report_text('departments_text', lang)))),
                                                   'sections', deps);
            END IF;
        END IF;
        sections := sections || sqm.report_compact(jsonb_build_object(
            'id', ch.chapter,
            'title', CASE WHEN en THEN ch.title_en ELSE ch.title_sv END,
            'blocks', CASE WHEN (CASE WHEN en THEN ch.text_en ELSE ch.text_sv END) IS NOT NULL
                           THEN jsonb_build_array(jsonb_build_object('type', 'text', 'paragraphs',
                                    sqm.report_paragraphs(CASE WHEN en THEN ch.text_en ELSE ch.text_sv END))) END,
            'analysis', CASE WHEN analysis ? ch.chapter THEN sqm.report_paragraphs(analysis ->> ch.chapter) END,
            'sections', subs));
    END LOOP;

    head_text := CASE WHEN adopting THEN sqm.report_fill(sqm.report_text('audit_head_value', lang),
                          jsonb_build_object('seq', head_seq::text, 'hash', encode(head_hash, 'hex'))) END;
    about := jsonb_build_array(sqm.report_fill(sqm.report_text('about_numbers', lang), vars),
                               sqm.report_text('about_dash', lang));
    IF adopting THEN
        about := about
            || to_jsonb(sqm.report_fill(sqm.report_text('about_adopted', lang),
                            jsonb_build_object('body', coalesce(rep.deciding_body, sqm.report_text('committee', lang)),
                                               'date', to_char(rep.decision_date, 'YYYY-MM-DD'), 'paragraph', rep.decision_paragraph::text,
                                               'regnr', rep.regnr::text)))
            || to_jsonb(sqm.report_fill(sqm.report_text('about_anchor', lang),
                            jsonb_build_object('seq', head_seq::text, 'hash', encode(head_hash, 'hex'))));
    ELSE
        about := about || to_jsonb(sqm.report_fill(sqm.report_text('about_draft', lang), vars));
    END IF;
    sections := sections || jsonb_build_object('id', 'about', 'title', sqm.report_text('about', lang),
                                               'blocks', jsonb_build_array(jsonb_build_object('type', 'text', 'paragraphs', about)));

    metadata := jsonb_build_array(
        jsonb_build_object('key', 'organisation', 'label', sqm.report_text('organisation', lang), 'value', org_name),
        jsonb_build_object('key', 'deciding_body', 'label', sqm.report_text('deciding_body', lang), 'value', rep.deciding_body),
        jsonb_build_object('key', 'decision', 'label', sqm.report_text('decision', lang),
                           'value', CASE WHEN adopting THEN sqm.report_fill(sqm.report_text('decision_value', lang),
                                        jsonb_build_object('date', to_char(rep.decision_date, 'YYYY-MM-DD'), 'paragraph', rep.decision_paragraph::text)) END),
        jsonb_build_object('key', 'registry_number', 'label', sqm.report_text('registry_number', lang),
                           'value', CASE WHEN adopting THEN rep.regnr::text END),
        jsonb_build_object('key', 'scope', 'label', sqm.report_text('scope', lang), 'value', rep.scope),
        jsonb_build_object('key', 'validity', 'label', sqm.report_text('validity', lang),
                           'value', coalesce(rep.validity, sqm.report_fill(sqm.report_text('validity_value', lang), vars))),
        jsonb_build_object('key', 'owner', 'label', sqm.report_text('owner', lang), 'value', rep.document_owner),
        jsonb_build_object('key', 'status', 'label', sqm.report_text('status', lang),
                           'value', CASE WHEN adopting THEN sqm.report_fill(sqm.report_text('adopted', lang),
                                                                             jsonb_build_object('date', to_char(rep.decision_date, 'YYYY-MM-DD')))
                                         ELSE sqm.report_text('draft', lang) END))
        || CASE WHEN adopting THEN jsonb_build_array(jsonb_build_object('key', 'audit_head',
                                        'label', sqm.report_text('audit_head', lang), 'value', head_text))
                ELSE '[]'::jsonb END;

    RETURN jsonb_build_object(
        'model_version', 1,
        'title', sqm.report_fill(sqm.report_text('title', lang), vars),
        'subtitle', coalesce(rep.subtitle, org_name),
        'lang', lang,
        'metadata', metadata,
        'generated_at', today,
        'sections', sections);
END
$$;
COMMENT ON FUNCTION sqm.report_document(bigint, text, text, boolean, bigint, bytea) IS
  'Internal: the quality report of an organisation and period, built from the registered chapters and sections and the statistics views now, as the report document model; adopting: the document the committee adopts, with its decision and the head of the audit chain it anchors';

-- The departments a chapter's per-department sections have rows for in the
-- period, in Swedish order.
CREATE FUNCTION sqm.report_departments(org bigint, period text, chapter text)
RETURNS TABLE (department_id bigint, department_name text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
    sec  sqm.report_section;
    q    text[] := '{}';
BEGIN
    FOR sec IN SELECT s.* FROM sqm.report_section s
                WHERE s.chapter OPERATOR(pg_catalog.=) report_departments.chapter AND s.per_department LOOP
        q := q || format('SELECT v.department_id, v.department_name::text FROM %s v WHERE %s AND v.period OPERATOR(pg_catalog.=) $1
                            AND v.department_id IS NOT NULL', sec.view_name, sqm.report_where(sec.view_name, org, sec.view_filter, NULL));
    END LOOP;
    IF cardinality(q) = 0 THEN
        RETURN;
    END IF;
    RETURN QUERY EXECUTE format('SELECT DISTINCT ON (x.department_name COLLATE sqm.swedish, x.department_id) x.department_id, x.department_name
                                   FROM (%s) x ORDER BY x.department_name COLLATE sqm.swedish, x.department_id',
                                array_to_string(q, ' UNION ALL ')) USING period;
END
$$;
COMMENT ON FUNCTION sqm.report_departments(bigint, text, text) IS
  'Internal: the departments the per-department sections of a report chapter have rows for in the period, in Swedish order';

-- ---------------------------------------------------------------------------
-- The report as its readers get it.

-- The caller reads the organisation's statistics as a whole: a member (42704
-- alike for an organisation that does not exist and one the caller is no
-- member of: authorisation before existence), with read_statistics for the
-- whole organisation (42501).  Returns the language.  SECURITY DEFINER: it
-- only asks who the caller is (sqm.caller_role, not current_user) and what
-- they may, through sqm.authorize, which no role is granted.
CREATE FUNCTION sqm.report_reader_check(org bigint, period sqm.period, lang text) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    l  text := sqm.stat_language(org, lang);
BEGIN
    PERFORM sqm.stat_check(period);
    PERFORM sqm.authorize(org, NULL, 'read_statistics', format('read the quality report %s of organisation %s', period, org));
    RETURN l;
END
$$;
COMMENT ON FUNCTION sqm.report_reader_check(bigint, sqm.period, text) IS
  'Internal: refuses a caller who does not read the organisation''s statistics as a whole (42704, 42501), a missing period or an unknown language (22023); returns the report''s language';

-- The published version of an adopted report, in a language (NULL: its own).
CREATE FUNCTION sqm.report_published(org bigint, period sqm.period, lang text)
RETURNS sqm.report_publication
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT p.* FROM sqm.quality_report r
      JOIN sqm.report_publication p ON p.org_id OPERATOR(pg_catalog.=) r.org_id AND p.report_id OPERATOR(pg_catalog.=) r.id
     WHERE r.org_id OPERATOR(pg_catalog.=) org AND r.period OPERATOR(sqm.=) report_published.period
       AND r.state OPERATOR(pg_catalog.=) 'adopted' AND p.lang OPERATOR(pg_catalog.=) coalesce(report_published.lang, r.lang);
END;
COMMENT ON FUNCTION sqm.report_published(bigint, sqm.period, text) IS
  'Internal: the published version of an organisation''s adopted report of a period in a language (NULL: the language it was adopted in); no row for a report not adopted';

CREATE FUNCTION sqm.report_json(org bigint, period sqm.period, lang text DEFAULT NULL) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
    l    text := sqm.report_reader_check(org, period, lang);
    pub  sqm.report_publication := sqm.report_published(org, period, lang);
BEGIN
    IF pub.document IS NOT NULL THEN
        RETURN pub.document;
    END IF;
    RETURN sqm.report_document(org, period::text, l);
END
$$;
COMMENT ON FUNCTION sqm.report_json(bigint, sqm.period, text) IS
  'The quality report of an organisation and period as one jsonb document (the report document model, doc/report.md): an adopted report''s published version, frozen at adoption; a draft built from the statistics views now. lang sv or en (NULL: the adopted report''s language, else the organisation''s). For callers with read_statistics for the whole organisation';

CREATE FUNCTION sqm.report_markdown(org bigint, period sqm.period, lang text DEFAULT NULL) RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
    l    text := sqm.report_reader_check(org, period, lang);
    pub  sqm.report_publication := sqm.report_published(org, period, lang);
BEGIN
    IF pub.markdown IS NOT NULL THEN
        RETURN pub.markdown;
    END IF;
    RETURN sqm.render_markdown(sqm.report_document(org, period::text, l));
END
$$;
COMMENT ON FUNCTION sqm.report_markdown(bigint, sqm.period, text) IS
  'The quality report as Markdown (sqm.render_markdown of sqm.report_json): an adopted report''s published version as frozen, a draft as the views have it now';

CREATE FUNCTION sqm.report_html(org bigint, period sqm.period, lang text DEFAULT NULL) RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
    l    text := sqm.report_reader_check(org, period, lang);
    pub  sqm.report_publication := sqm.report_published(org, period, lang);
BEGIN
    IF pub.html IS NOT NULL THEN
        RETURN pub.html;
    END IF;
    RETURN sqm.render_html(sqm.report_document(org, period::text, l));
END
$$;
COMMENT ON FUNCTION sqm.report_html(bigint, sqm.period, text) IS
  'The quality report as one self-contained HTML page (sqm.render_html of sqm.report_json): an adopted report''s published version as frozen, a draft as the views have it now';

-- ---------------------------------------------------------------------------
-- The coordinator's API: settings, text, adoption.  SECURITY DEFINER, each
-- authorises the caller first (manage_report for the whole organisation:
-- 42501, also for an organisation that does not exist), then looks the
-- organisation up (42704).  The writes go through the lifecycle engine and
-- the audit trail like every case's: the rules are in C (report.c).

CREATE FUNCTION sqm.report_manage_check(org bigint, period sqm.period, action text) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.authorize(org, NULL, 'manage_report',
                          format('%s the quality report %s of organisation %s', action, coalesce(period::text, 'NULL'), org));
    IF NOT EXISTS (SELECT FROM sqm.organisation o WHERE o.org_id = org) THEN
        RAISE EXCEPTION 'organisation % does not exist', org
            USING ERRCODE = 'undefined_object';
    END IF;
    PERFORM sqm.stat_check(period);
END
$$;
COMMENT ON FUNCTION sqm.report_manage_check(bigint, sqm.period, text) IS
  'Internal: authorises a change of an organisation''s quality report (manage_report, 42501), then checks the organisation (42704) and the period (22023)';

-- The report of the period, begun as a draft if there is none.
CREATE FUNCTION sqm.report_draft(org bigint, period sqm.period, lang text DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rid  bigint;
BEGIN
    SELECT r.id INTO rid FROM sqm.quality_report r WHERE r.org_id = org AND r.period OPERATOR(sqm.=) report_draft.period;
    IF rid IS NULL THEN
        INSERT INTO sqm.quality_report (org_id, state, period, lang)
        VALUES (org, 'draft', period, coalesce(lang, (SELECT o.label_language FROM sqm.organisation o WHERE o.org_id = org)))
        RETURNING id INTO rid;
        INSERT INTO sqm.quality_report_detail (org_id, id) VALUES (org, rid);
    END IF;
    RETURN rid;
END
$$;
COMMENT ON FUNCTION sqm.report_draft(bigint, sqm.period, text) IS
  'Internal: the id of an organisation''s quality report of a period, begun as a draft (with its details row) if there is none';

CREATE FUNCTION sqm.set_report_setting(org bigint, department_sections boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM sqm.authorize(org, NULL, 'manage_report', format('change the report settings of organisation %s', org));
    IF NOT EXISTS (SELECT FROM sqm.organisation o WHERE o.org_id = org) THEN
        RAISE EXCEPTION 'organisation % does not exist', org
            USING ERRCODE = 'undefined_object';
    END IF;
    IF department_sections IS NULL THEN
        RAISE EXCEPTION 'department_sections must be true or false'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO sqm.report_setting AS s (org_id, department_sections) VALUES (org, department_sections)
    ON CONFLICT (org_id) DO UPDATE SET department_sections = EXCLUDED.department_sections;
END
$$;
COMMENT ON FUNCTION sqm.set_report_setting(bigint, boolean) IS
  'Whether each chapter of the organisation''s quality report has a subsection per department (quality coordinators)';

CREATE FUNCTION sqm.set_report_metadata(org bigint, period sqm.period, deciding_body text DEFAULT NULL,
                                        scope text DEFAULT NULL, document_owner text DEFAULT NULL,
                                        validity text DEFAULT NULL, subtitle text DEFAULT NULL,
                                        summary text DEFAULT NULL, lang text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rid  bigint;
BEGIN
    PERFORM sqm.report_manage_check(org, period, 'write');
    IF lang IS NOT NULL AND lang NOT IN ('sv', 'en') THEN
        RAISE EXCEPTION 'unknown report language "%"', lang
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'A report is written in sv (Swedish) or en (English).';
    END IF;
    PERFORM sqm.audit_set_context('api', NULL);
    rid := sqm.report_draft(org, period, lang);
    IF lang IS NOT NULL THEN
        UPDATE sqm.quality_report r SET lang = set_report_metadata.lang
         WHERE r.org_id = org AND r.id = rid AND r.lang IS DISTINCT FROM set_report_metadata.lang;
    END IF;
    -- NULL keeps what is written; an empty text clears it
    UPDATE sqm.quality_report_detail d
       SET deciding_body = CASE WHEN set_report_metadata.deciding_body IS NULL THEN d.deciding_body
                                ELSE nullif(btrim(set_report_metadata.deciding_body), '') END,
           scope = CASE WHEN set_report_metadata.scope IS NULL THEN d.scope ELSE nullif(btrim(set_report_metadata.scope), '') END,
           document_owner = CASE WHEN set_report_metadata.document_owner IS NULL THEN d.document_owner
                                 ELSE nullif(btrim(set_report_metadata.document_owner), '') END,
           validity = CASE WHEN set_report_metadata.validity IS NULL THEN d.validity
                           ELSE nullif(btrim(set_report_metadata.validity), '') END,
           subtitle = CASE WHEN set_report_metadata.subtitle IS NULL THEN d.subtitle
                           ELSE nullif(btrim(set_report_metadata.subtitle), '') END,
           summary = CASE WHEN set_report_metadata.summary IS NULL THEN d.summary
                          ELSE nullif(btrim(set_report_metadata.summary), '') END
     WHERE d.org_id = org AND d.id = rid
       AND (set_report_metadata.deciding_body IS NOT NULL OR set_report_metadata.scope IS NOT NULL
            OR set_report_metadata.document_owner IS NOT NULL OR set_report_metadata.validity IS NOT NULL
            OR set_report_metadata.subtitle IS NOT NULL OR set_report_metadata.summary IS NOT NULL);
    PERFORM sqm.audit_clear_context();
    RETURN rid;
END
$$;
COMMENT ON FUNCTION sqm.set_report_metadata(bigint, sqm.period, text, text, text, text, text, text, text) IS
  'Write the header of an organisation''s quality report of a period — deciding body, scope, document owner, validity (NULL: the period''s days), subtitle — its summary and its language, beginning the draft if there is none (NULL keeps a value, an empty text clears it); quality coordinators. Refused once the report is adopted (SQ004)';

-- The ids analysis text may be written for: the chapters and sections, and a
-- chapter's subsection of a department of the organisation.
CREATE FUNCTION sqm.report_analysis_key_check(org bigint, section text) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    m  text[] := regexp_match(section, '^([a-z][a-z0-9_]*)_dep_([0-9]{1,18})$');
BEGIN
    IF section IN (SELECT c.chapter FROM sqm.report_chapter c UNION ALL SELECT s.section FROM sqm.report_section s) THEN
        RETURN;
    END IF;
    IF m IS NOT NULL AND EXISTS (SELECT FROM sqm.report_section s WHERE s.chapter = m[1] AND s.per_department)
       AND EXISTS (SELECT FROM sqm.unit u WHERE u.org_id = org AND u.unit_id = m[2]::bigint AND u.kind = 'department') THEN
        RETURN;
    END IF;
    RAISE EXCEPTION 'the quality report has no section "%"', section
        USING ERRCODE = 'invalid_parameter_value',
              DETAIL = format('Its chapters are %s.', (SELECT string_agg(c.chapter, ', ' ORDER BY c.ord, c.chapter) FROM sqm.report_chapter c)),
              HINT = 'Write the analysis of a chapter or section by its id (sqm.report_chapter, sqm.report_section), or of a department''s subsection as <chapter>_dep_<department''s unit id>.';
END
$$;
COMMENT ON FUNCTION sqm.report_analysis_key_check(bigint, text) IS
  'Internal: refuses (22023) an id that is no chapter, section or department subsection of the quality report';

CREATE FUNCTION sqm.set_report_analysis(org bigint, period sqm.period, section text, analysis text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rid  bigint;
BEGIN
    PERFORM sqm.report_manage_check(org, period, 'write');
    PERFORM sqm.report_analysis_key_check(org, section);
    PERFORM sqm.audit_set_context('api', NULL);
    rid := sqm.report_draft(org, period);
    UPDATE sqm.quality_report_detail d
       SET analysis = CASE WHEN nullif(btrim(set_report_analysis.analysis), '') IS NULL THEN d.analysis - section
                           ELSE d.analysis || jsonb_build_object(section, btrim(set_report_analysis.analysis)) END
     WHERE d.org_id = org AND d.id = rid;
    PERFORM sqm.audit_clear_context();
    RETURN rid;
END
$$;
COMMENT ON FUNCTION sqm.set_report_analysis(bigint, sqm.period, text, text) IS
  'Write the analysis of a chapter or section of an organisation''s quality report of a period (blank lines separate paragraphs; NULL or empty removes it), beginning the draft if there is none; quality coordinators. Refused once the report is adopted (SQ004)';

-- Adoption: the committee's decision on the report, its published version in
-- both languages (built now, as the extension's owner, with the head of the
-- audit chain), then draft → adopted, whose guard checks the published
-- version; in one transaction.
CREATE FUNCTION sqm.adopt_report(org bigint, period sqm.period, decision_date date, paragraph integer, regnr sqm.regnr,
                                 reason text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
    rid   bigint;
    head  record;
    l     text;
    doc   jsonb;
BEGIN
    PERFORM sqm.report_manage_check(org, period, 'adopt');
    PERFORM sqm.audit_set_context('api', reason);
    rid := sqm.report_draft(org, period);
    UPDATE sqm.quality_report r
       SET decision_date = adopt_report.decision_date, decision_paragraph = paragraph, regnr = adopt_report.regnr
     WHERE r.org_id = org AND r.id = rid;
    SELECT h.seq, h.hash INTO head FROM sqm.audit_head(org) h;
    FOREACH l IN ARRAY ARRAY['sv', 'en'] LOOP
        doc := sqm.report_document(org, period::text, l, true, head.seq, head.hash);
        INSERT INTO sqm.report_publication (org_id, report_id, lang, decision_date, decision_paragraph, regnr,
                                            audit_seq, audit_hash, document, markdown, html)
        VALUES (org, rid, l, adopt_report.decision_date, paragraph, adopt_report.regnr, head.seq, head.hash,
                doc, sqm.render_markdown(doc), sqm.render_html(doc));
    END LOOP;
    UPDATE sqm.quality_report r SET state = 'adopted', adopted_at = sqm.now()
     WHERE r.org_id = org AND r.id = rid AND r.state = 'draft';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'quality report % is not in state "draft"', rid
            USING ERRCODE = 'SQ003',
                  HINT = 'Reload the report and try again.';
    END IF;
    PERFORM sqm.audit_clear_context();
    RETURN rid;
END
$$;
COMMENT ON FUNCTION sqm.adopt_report(bigint, sqm.period, date, integer, sqm.regnr, text) IS
  'Record the committee''s adoption of an organisation''s quality report of a period (decision date, paragraph of the minutes, registry number claimed in the organisation''s registry) and freeze its published version — the document in Swedish and English, as jsonb, Markdown and HTML, printing the head of the audit chain — in one transaction; quality coordinators. Returns the report''s id';

-- ---------------------------------------------------------------------------
-- The chain against the heads the adopted reports print.

CREATE FUNCTION sqm.verify_report_anchors(org bigint DEFAULT NULL)
RETURNS TABLE (org_id bigint, report_id bigint, period text, decision_date date, audit_seq bigint, audit_hash bytea,
               ok boolean, problem text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT r.org_id, r.id, r.period::text, p.decision_date, p.audit_seq, p.audit_hash,
           coalesce(e.hash OPERATOR(pg_catalog.=) p.audit_hash, false),
           CASE WHEN e.seq IS NULL THEN
                     pg_catalog.format('seq: audit event %s, the head printed in the report adopted on %s, is gone: the chain %s',
                            p.audit_seq, pg_catalog.to_char(p.decision_date, 'YYYY-MM-DD'),
                            coalesce('ends at event ' OPERATOR(pg_catalog.||)
                                     (SELECT pg_catalog.max(x.seq) FROM sqm.audit_event x WHERE x.org_id OPERATOR(pg_catalog.=) r.org_id)::text,
                                     'is empty'))
                WHEN e.hash OPERATOR(pg_catalog.<>) p.audit_hash THEN
                     pg_catalog.format('hash: audit event %s is not the event the report adopted on %s printed (its hash differs)',
                            p.audit_seq, pg_catalog.to_char(p.decision_date, 'YYYY-MM-DD')) END
      FROM sqm.quality_report r
      JOIN sqm.report_publication p ON p.org_id OPERATOR(pg_catalog.=) r.org_id AND p.report_id OPERATOR(pg_catalog.=) r.id
                                   AND p.lang OPERATOR(pg_catalog.=) r.lang
      LEFT JOIN sqm.audit_event e ON e.org_id OPERATOR(pg_catalog.=) r.org_id AND e.seq OPERATOR(pg_catalog.=) p.audit_seq
     WHERE r.state OPERATOR(pg_catalog.=) 'adopted'
       AND (verify_report_anchors.org IS NULL OR r.org_id OPERATOR(pg_catalog.=) verify_report_anchors.org)
       AND sqm.may(r.org_id, NULL, 'read_audit')
     ORDER BY r.org_id, p.decision_date, r.id;
END;
COMMENT ON FUNCTION sqm.verify_report_anchors(bigint) IS
  'Checks each organisation''s audit chain (of one organisation, or all the caller may audit) against the heads its adopted quality reports print: one row per adopted report, ok when the chain still holds the printed event with its hash; otherwise problem says whether the event is gone (the chain was cut short after adoption) or altered. Run with sqm.verify_audit(), which checks the chain up to its head';

-- ---------------------------------------------------------------------------
-- Privileges.  The report is read by whoever reads the organisation's
-- statistics as a whole and its details (not the report reader: the report
-- carries the coordinator's text); the coordinator writes it.

REVOKE ALL ON FUNCTION
    sqm.report_text(text, text), sqm.report_fill(text, jsonb), sqm.report_period_label(text), sqm.report_paragraphs(text),
    sqm.report_cell(jsonb, text), sqm.report_compact(jsonb), sqm.report_where(regclass, bigint, jsonb, bigint),
    sqm.report_section_blocks(sqm.report_section, bigint, text, text, date, text, text, bigint, text),
    sqm.report_document(bigint, text, text, boolean, bigint, bytea), sqm.report_departments(bigint, text, text),
    sqm.report_reader_check(bigint, sqm.period, text), sqm.report_published(bigint, sqm.period, text),
    sqm.report_json(bigint, sqm.period, text), sqm.report_markdown(bigint, sqm.period, text),
    sqm.report_html(bigint, sqm.period, text), sqm.report_manage_check(bigint, sqm.period, text),
    sqm.report_draft(bigint, sqm.period, text), sqm.set_report_setting(bigint, boolean),
    sqm.set_report_metadata(bigint, sqm.period, text, text, text, text, text, text, text),
    sqm.report_analysis_key_check(bigint, text), sqm.set_report_analysis(bigint, sqm.period, text, text),
    sqm.adopt_report(bigint, sqm.period, date, integer, sqm.regnr, text), sqm.verify_report_anchors(bigint)
FROM PUBLIC;
SELECT sqm.grant_privilege('core', 'EXECUTE ON FUNCTION
    sqm.report_text(text, text), sqm.report_fill(text, jsonb), sqm.report_period_label(text), sqm.report_paragraphs(text),
    sqm.report_cell(jsonb, text), sqm.report_compact(jsonb), sqm.report_where(regclass, bigint, jsonb, bigint),
    sqm.report_section_blocks(sqm.report_section, bigint, text, text, date, text, text, bigint, text),
    sqm.report_document(bigint, text, text, boolean, bigint, bytea), sqm.report_departments(bigint, text, text),
    sqm.report_reader_check(bigint, sqm.period, text), sqm.report_published(bigint, sqm.period, text),
    sqm.report_json(bigint, sqm.period, text), sqm.report_markdown(bigint, sqm.period, text),
    sqm.report_html(bigint, sqm.period, text)', '{handlers,auditor}');
SELECT sqm.grant_privilege('core', 'EXECUTE ON FUNCTION sqm.set_report_setting(bigint, boolean),
    sqm.set_report_metadata(bigint, sqm.period, text, text, text, text, text, text, text),
    sqm.set_report_analysis(bigint, sqm.period, text, text),
    sqm.adopt_report(bigint, sqm.period, date, integer, sqm.regnr, text)', '{quality_coordinator}');
SELECT sqm.grant_privilege('core', 'EXECUTE ON FUNCTION sqm.verify_report_anchors(bigint)', '{auditor,quality_coordinator}');
