-- The quality report (kvalitetsberättelse, domain.md §6; doc/report.md): its
-- outline as data, the organisation's report object and its published
-- version.  The document itself is built in 87_report_build.sql and drawn by
-- 85_report_render.sql.
--
--   sqm.report_chapter     the report's chapters in order: one per kind (its
--                          kind's stats.sql registers it), and the core's own
--   sqm.report_section     a chapter's sections: a statistics view, the
--                          columns shown, the previous period beside, a chart
--   sqm.report_setting     an organisation's choices (department subsections)
--   sqm.quality_report     an organisation's report of a period: the core's own
--                          governed table (draft → adopted), its decision and
--                          registry number; its text (metadata, analysis) in
--                          sqm.quality_report_detail
--   sqm.report_publication the published version, frozen at adoption
--                          (append-only): the document as jsonb, Markdown and
--                          HTML, and the head of the audit chain it anchors
--
-- Sections are data: a kind registers its chapter and sections in its
-- stats.sql with sqm.register_report_chapter and sqm.register_report_section,
-- and the report shows them without a change of the report code.  Every number
-- a section shows is read from the registered statistics view (and its total
-- view), never computed here.
--
-- The rules of the report are C (src/core/report.c), for every writer: its
-- period is a reporting period of its organisation and never changes; it is
-- adopted after the period and not on a day to come; it is adopted only with
-- its published version, which carries its decision and names an event of
-- the organisation's audit chain; once adopted nothing of it changes (the
-- lifecycle engine: SQ004) and its published version is never changed or
-- removed (SQ010).

-- The quality coordinator writes the report and records its adoption.
INSERT INTO sqm.role_capability (role, capability) VALUES ('quality_coordinator', 'manage_report');

-- ---------------------------------------------------------------------------
-- The outline: chapters and sections.

CREATE TABLE sqm.report_chapter (
    chapter   text PRIMARY KEY CHECK (chapter OPERATOR(pg_catalog.~) '^[a-z][a-z0-9_]{0,40}$'),
    ord       integer NOT NULL,
    title_sv  text NOT NULL CHECK (pg_catalog.btrim(title_sv) OPERATOR(pg_catalog.<>) ''),
    title_en  text NOT NULL CHECK (pg_catalog.btrim(title_en) OPERATOR(pg_catalog.<>) ''),
    text_sv   text,
    text_en   text,
    builtin   boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE sqm.report_chapter IS
  'The chapters of the quality report, in order (ord): one per kind of case, registered by the kind''s stats.sql (sqm.register_report_chapter), and the core''s own; each holds the sections registered for it';
COMMENT ON COLUMN sqm.report_chapter.chapter IS 'The chapter''s id: its anchor in the document and its key for analysis text (sqm.set_report_analysis)';
COMMENT ON COLUMN sqm.report_chapter.ord IS 'Order in the report';
COMMENT ON COLUMN sqm.report_chapter.text_sv IS 'An opening paragraph in Swedish: what the chapter counts and how (blank lines separate paragraphs)';
COMMENT ON COLUMN sqm.report_chapter.text_en IS 'The same in English';
COMMENT ON COLUMN sqm.report_chapter.builtin IS 'Registered by sqm''s install scripts (not dumped: the script registers it again)';

CREATE TABLE sqm.report_section (
    section            text PRIMARY KEY CHECK (section OPERATOR(pg_catalog.~) '^[a-z][a-z0-9_]{0,40}$'),
    chapter            text NOT NULL REFERENCES sqm.report_chapter,
    ord                integer NOT NULL,
    title_sv           text NOT NULL CHECK (pg_catalog.btrim(title_sv) OPERATOR(pg_catalog.<>) ''),
    title_en           text NOT NULL CHECK (pg_catalog.btrim(title_en) OPERATOR(pg_catalog.<>) ''),
    text_sv            text,
    text_en            text,
    view_name          regclass NOT NULL,
    view_filter        jsonb NOT NULL DEFAULT '{}',
    layout             text NOT NULL DEFAULT 'period' CHECK (layout IN ('period', 'years', 'list')),
    category           name NOT NULL,
    category_label_sv  text NOT NULL,
    category_label_en  text NOT NULL,
    keys               name[] NOT NULL DEFAULT '{}',
    value_columns      jsonb NOT NULL,
    chart              text CHECK (chart IN ('bar', 'bar_pair', 'hbar', 'line')),
    chart_column       name,
    chart_title_sv     text,
    chart_title_en     text,
    axis_label_sv      text,
    axis_label_en      text,
    total              boolean NOT NULL DEFAULT true,
    hide_empty         boolean NOT NULL DEFAULT false,
    max_rows           integer CHECK (max_rows OPERATOR(pg_catalog.>) 0),
    per_department     boolean NOT NULL DEFAULT false,
    notes_sv           text[] NOT NULL DEFAULT '{}',
    notes_en           text[] NOT NULL DEFAULT '{}',
    several_sv         text,
    several_en         text,
    builtin            boolean NOT NULL DEFAULT false,
    UNIQUE (chapter, ord)
);
COMMENT ON TABLE sqm.report_section IS
  'The sections of the quality report''s chapters, in order: each shows one registered statistics view (its rows for the organisation and period, filtered by view_filter) as a table — the previous period beside, the total from the view''s total view — and optionally a chart; registered by sqm.register_report_section';
COMMENT ON COLUMN sqm.report_section.section IS 'The section''s id: its anchor in the document and its key for analysis text';
COMMENT ON COLUMN sqm.report_section.chapter IS 'The chapter it belongs to';
COMMENT ON COLUMN sqm.report_section.ord IS 'Order in its chapter';
COMMENT ON COLUMN sqm.report_section.title_sv IS 'Its title and the caption of its table and chart, in Swedish; {period} and {previous_period} are replaced by the periods';
COMMENT ON COLUMN sqm.report_section.title_en IS 'The same in English';
COMMENT ON COLUMN sqm.report_section.text_sv IS 'A paragraph before the table, in Swedish (what is counted, by which date)';
COMMENT ON COLUMN sqm.report_section.text_en IS 'The same in English';
COMMENT ON COLUMN sqm.report_section.view_name IS 'The statistics view (sqm.stat_view) it reads';
COMMENT ON COLUMN sqm.report_section.view_filter IS 'Columns of the view and the value each must have (a jsonb object), applied to the view and, where it has the column, its total view: e.g. {"regime_group": "SoL/LSS"}';
COMMENT ON COLUMN sqm.report_section.layout IS 'period: the rows of the period, the previous period beside; years: one row per period of the same kind up to this one (a multi-year trend); list: the rows of the period as the view orders them';
COMMENT ON COLUMN sqm.report_section.category IS 'The view column naming a row (its label_sv or label_en column is used for the report''s language where the view has one)';
COMMENT ON COLUMN sqm.report_section.keys IS 'The view columns that identify a row across periods: the previous period''s row is found by them, and they are carried as hidden columns';
COMMENT ON COLUMN sqm.report_section.value_columns IS 'The columns shown: a jsonb array of {"column", "label_sv", "label_en", "previous", "previous_label_sv", "previous_label_en"}; previous is the view column holding the previous period''s value, or true for the same column of the previous period''s row (found by keys)';
COMMENT ON COLUMN sqm.report_section.chart IS 'bar, bar_pair (chart_column beside its previous value), hbar (chart_column, and its previous value if shown) or line (layout years: one line per value column); NULL: no chart';
COMMENT ON COLUMN sqm.report_section.chart_title_sv IS 'The chart''s title in Swedish where it is not the section''s ({period} and {previous_period} replaced)';
COMMENT ON COLUMN sqm.report_section.chart_title_en IS 'The same in English';
COMMENT ON COLUMN sqm.report_section.chart_column IS 'The value column a bar, bar_pair or hbar chart draws (NULL: the first)';
COMMENT ON COLUMN sqm.report_section.total IS 'Whether the table has a total row, read from the view''s total view';
COMMENT ON COLUMN sqm.report_section.hide_empty IS 'Whether rows with no figure other than 0 in either period are left out';
COMMENT ON COLUMN sqm.report_section.max_rows IS 'At most this many rows, in the view''s order (NULL: all)';
COMMENT ON COLUMN sqm.report_section.per_department IS 'Whether the section is repeated for each department where the organisation wants department subsections (sqm.report_setting); the view has department_id and department_name';
COMMENT ON COLUMN sqm.report_section.notes_sv IS 'Notes under the table, in Swedish';
COMMENT ON COLUMN sqm.report_section.notes_en IS 'The same in English';
COMMENT ON COLUMN sqm.report_section.several_sv IS 'The note, in Swedish, for a period whose rows count a case more than once (the total view''s counted_in_several_rows > 0): {period}, {sum} (what the column sums to), {cases} (the total), {several} (cases in several rows) are replaced';
COMMENT ON COLUMN sqm.report_section.several_en IS 'The same in English';
COMMENT ON COLUMN sqm.report_section.builtin IS 'Registered by sqm''s install scripts (not dumped: the script registers it again)';

REVOKE ALL ON sqm.report_chapter, sqm.report_section FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('sqm.report_chapter', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('sqm.report_section', 'WHERE NOT builtin');
SELECT sqm.classify('sqm.report_chapter', '{"internal": ["chapter", "ord", "builtin"],
    "statistic": ["title_sv", "title_en", "text_sv", "text_en"]}');
SELECT sqm.classify('sqm.report_section', '{"internal": ["section", "chapter", "ord", "view_name", "view_filter", "layout",
    "category", "keys", "value_columns", "chart", "chart_column", "total", "hide_empty", "max_rows", "per_department", "builtin"],
    "statistic": ["title_sv", "title_en", "text_sv", "text_en", "category_label_sv", "category_label_en", "chart_title_sv", "chart_title_en",
                  "axis_label_sv", "axis_label_en", "notes_sv", "notes_en", "several_sv", "several_en"]}');
SELECT sqm.grant_privilege('core', 'SELECT ON sqm.report_chapter, sqm.report_section', '{everyone}');

-- A chapter of the report (install scripts; a kind's stats.sql).
CREATE FUNCTION sqm.register_report_chapter(chapter text, ord integer, title_sv text, title_en text,
                                            text_sv text DEFAULT NULL, text_en text DEFAULT NULL,
                                            builtin boolean DEFAULT false)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF chapter IS NULL OR ord IS NULL OR title_sv IS NULL OR title_en IS NULL THEN
        RAISE EXCEPTION 'a report chapter needs its id, its order and its titles in Swedish and English'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF EXISTS (SELECT FROM sqm.report_section s WHERE s.section = register_report_chapter.chapter) THEN
        RAISE EXCEPTION 'report chapter "%" has the id of a section', chapter
            USING ERRCODE = 'unique_violation',
                  HINT = 'Chapters and sections share one set of ids (the document''s anchors and the keys of analysis text).';
    END IF;
    INSERT INTO sqm.report_chapter (chapter, ord, title_sv, title_en, text_sv, text_en, builtin)
    VALUES (chapter, ord, title_sv, title_en, text_sv, text_en, coalesce(builtin, false));
END
$$;
COMMENT ON FUNCTION sqm.register_report_chapter(text, integer, text, text, text, text, boolean) IS
  'Install scripts: register a chapter of the quality report (id, order, titles and an opening text in Swedish and English)';

-- A section of a chapter: checks everything the report code will rely on,
-- so that a section that would not draw is refused when it is registered.
CREATE FUNCTION sqm.register_report_section(section text, chapter text, ord integer, title_sv text, title_en text,
                                            view regclass, category name, category_label_sv text, category_label_en text,
                                            value_columns jsonb, view_filter jsonb DEFAULT '{}',
                                            layout text DEFAULT 'period', keys name[] DEFAULT '{}',
                                            chart text DEFAULT NULL, chart_column name DEFAULT NULL,
                                            chart_title_sv text DEFAULT NULL, chart_title_en text DEFAULT NULL,
                                            axis_label_sv text DEFAULT NULL,
                                            axis_label_en text DEFAULT NULL, total boolean DEFAULT true,
                                            hide_empty boolean DEFAULT false, max_rows integer DEFAULT NULL,
                                            per_department boolean DEFAULT false,
                                            text_sv text DEFAULT NULL, text_en text DEFAULT NULL,
                                            notes_sv text[] DEFAULT '{}', notes_en text[] DEFAULT '{}',
                                            several_sv text DEFAULT NULL, several_en text DEFAULT NULL,
                                            builtin boolean DEFAULT false)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    what     text := format('report section "%s"', section);
    spec     jsonb;
    col      text;
    missing  text;
    total_v  regclass;
    n        integer := 0;
BEGIN
    IF section IS NULL OR chapter IS NULL OR ord IS NULL OR title_sv IS NULL OR title_en IS NULL OR view IS NULL
       OR category IS NULL OR category_label_sv IS NULL OR category_label_en IS NULL OR value_columns IS NULL THEN
        RAISE EXCEPTION '% needs its chapter, order, titles, view, category column and its labels, and value columns', what
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT EXISTS (SELECT FROM sqm.report_chapter c WHERE c.chapter = register_report_section.chapter) THEN
        RAISE EXCEPTION '% names chapter "%", which is not registered', what, chapter
            USING ERRCODE = 'foreign_key_violation',
                  HINT = 'Register the chapter first (sqm.register_report_chapter).';
    END IF;
    IF EXISTS (SELECT FROM sqm.report_chapter c WHERE c.chapter = register_report_section.section) THEN
        RAISE EXCEPTION '% has the id of a chapter', what
            USING ERRCODE = 'unique_violation',
                  HINT = 'Chapters and sections share one set of ids (the document''s anchors and the keys of analysis text).';
    END IF;
    SELECT v.total_view INTO total_v FROM sqm.stat_view v WHERE v.view_name = view;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% reads %, which is not a registered statistics view', what, view
            USING ERRCODE = 'invalid_object_definition',
                  DETAIL = 'Every number of the report comes from a statistics view.',
                  HINT = 'Register the view with sqm.register_stat_view first.';
    END IF;
    IF total AND total_v IS NULL AND layout = 'period' THEN
        RAISE EXCEPTION '% asks for a total row, but % has no total view', what, view
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Register the view with its total view, or register the section with total => false.';
    END IF;

    -- every column named is a column of the view
    SELECT string_agg(format('"%s"', c), ', ') INTO missing
      FROM unnest(ARRAY[category::text] || keys::text[]
                  || ARRAY(SELECT jsonb_object_keys(CASE WHEN jsonb_typeof(view_filter) = 'object' THEN view_filter ELSE '{}' END))
                  || CASE WHEN per_department THEN '{department_id,department_name}'::text[] ELSE '{}' END) c
     WHERE NOT EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = view AND a.attname = c AND a.attnum > 0 AND NOT a.attisdropped);
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION '% names %, not a column of %', what, missing, view
            USING ERRCODE = 'undefined_column',
                  HINT = CASE WHEN per_department THEN 'A section repeated per department reads department_id and department_name.'
                              ELSE 'Name columns of the view (\d+ in psql lists them).' END;
    END IF;
    IF jsonb_typeof(view_filter) <> 'object'
       OR EXISTS (SELECT FROM jsonb_each(view_filter) f WHERE jsonb_typeof(f.value) NOT IN ('string', 'number', 'boolean')) THEN
        RAISE EXCEPTION '% has a filter that is not an object of column values', what
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('The filter is %s.', view_filter),
                  HINT = 'Write e.g. {"regime_group": "SoL/LSS"}.';
    END IF;

    -- the value columns
    IF jsonb_typeof(value_columns) <> 'array' OR jsonb_array_length(value_columns) = 0 THEN
        RAISE EXCEPTION '% has no value columns', what
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give a jsonb array of {"column", "label_sv", "label_en", "previous"}.';
    END IF;
    FOR spec IN SELECT e FROM jsonb_array_elements(value_columns) e LOOP
        n := n + 1;
        IF jsonb_typeof(spec) <> 'object'
           OR EXISTS (SELECT FROM jsonb_object_keys(spec) k
                       WHERE k NOT IN ('column', 'label_sv', 'label_en', 'previous', 'previous_label_sv', 'previous_label_en'))
           OR jsonb_typeof(spec -> 'column') IS DISTINCT FROM 'string'
           OR jsonb_typeof(spec -> 'label_sv') IS DISTINCT FROM 'string'
           OR jsonb_typeof(spec -> 'label_en') IS DISTINCT FROM 'string'
           OR coalesce(jsonb_typeof(spec -> 'previous'), 'boolean') NOT IN ('string', 'boolean') THEN
            RAISE EXCEPTION '% has a value column % that is not {"column", "label_sv", "label_en", "previous", "previous_label_sv", "previous_label_en"}', what, n
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = format('It is %s.', spec),
                      HINT = 'column, label_sv and label_en are strings; previous is a column of the view or true.';
        END IF;
        FOREACH col IN ARRAY ARRAY[spec ->> 'column'] || CASE WHEN jsonb_typeof(spec -> 'previous') = 'string'
                                                            THEN ARRAY[spec ->> 'previous'] ELSE '{}'::text[] END LOOP
            IF NOT EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = view AND a.attname = col AND a.attnum > 0 AND NOT a.attisdropped) THEN
                RAISE EXCEPTION '% names "%", not a column of %', what, col, view
                    USING ERRCODE = 'undefined_column';
            END IF;
        END LOOP;
        IF spec -> 'previous' = 'true' AND (layout <> 'period' OR cardinality(keys) = 0) THEN
            RAISE EXCEPTION '% puts the previous period''s "%" beside, but has no keys to find its row by', what, spec ->> 'column'
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Give keys (e.g. {type_code}) with layout period, or name the view''s column of the previous period.';
        END IF;
    END LOOP;
    IF n > 6 AND chart = 'line' THEN
        RAISE EXCEPTION '% would draw % lines; a line chart takes at most 6', what, n
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF chart_column IS NOT NULL AND NOT EXISTS (SELECT FROM jsonb_array_elements(value_columns) e
                                                 WHERE e ->> 'column' = chart_column) THEN
        RAISE EXCEPTION '% charts "%", which is not one of its value columns', what, chart_column
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF chart = 'bar_pair'
       AND coalesce((SELECT e ->> 'previous' FROM jsonb_array_elements(value_columns) e
                      WHERE e ->> 'column' = coalesce(chart_column, value_columns -> 0 ->> 'column') LIMIT 1), 'false') = 'false' THEN
        RAISE EXCEPTION '% draws a bar_pair chart, but its charted column has no previous period beside it', what
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'A bar_pair chart shows this period beside the previous one: give the first column its previous.';
    END IF;
    IF chart = 'line' AND layout <> 'years' THEN
        RAISE EXCEPTION '% draws a line chart, which needs layout years', what
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF layout = 'years' AND category <> 'period' THEN
        RAISE EXCEPTION '% has layout years, whose rows are periods: its category is "period"', what
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    INSERT INTO sqm.report_section (section, chapter, ord, title_sv, title_en, text_sv, text_en, view_name, view_filter,
                                    layout, category, category_label_sv, category_label_en, keys, value_columns, chart,
                                    chart_column, chart_title_sv, chart_title_en, axis_label_sv, axis_label_en, total, hide_empty, max_rows, per_department,
                                    notes_sv, notes_en, several_sv, several_en, builtin)
    VALUES (section, chapter, ord, title_sv, title_en, text_sv, text_en, view, view_filter,
            layout, category, category_label_sv, category_label_en, coalesce(keys, '{}'), value_columns, chart,
            chart_column, chart_title_sv, chart_title_en, axis_label_sv, axis_label_en, coalesce(total, true) AND layout = 'period', coalesce(hide_empty, false),
            max_rows, coalesce(per_department, false),
            coalesce(notes_sv, '{}'), coalesce(notes_en, '{}'), several_sv, several_en, coalesce(builtin, false));
END
$$;
COMMENT ON FUNCTION sqm.register_report_section(text, text, integer, text, text, regclass, name, text, text, jsonb, jsonb, text,
                                                name[], text, name, text, text, text, text, boolean, boolean, integer, boolean, text, text,
                                                text[], text[], text, text, boolean) IS
  'Install scripts: register a section of a report chapter — a registered statistics view, its category and value columns (with the previous period beside), filter, layout, chart, total, notes — checking the view, its columns and the chart (42P17, 42703, 22023, 23503)';
REVOKE ALL ON FUNCTION sqm.register_report_chapter(text, integer, text, text, text, text, boolean),
                       sqm.register_report_section(text, text, integer, text, text, regclass, name, text, text, jsonb, jsonb,
                                                   text, name[], text, name, text, text, text, text, boolean, boolean, integer, boolean, text,
                                                   text, text[], text[], text, text, boolean)
    FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- The organisation's choices.

CREATE TABLE sqm.report_setting (
    org_id               bigint PRIMARY KEY REFERENCES sqm.organisation,
    department_sections  boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE sqm.report_setting IS 'An organisation''s choices for its quality report (sqm.set_report_setting)';
COMMENT ON COLUMN sqm.report_setting.department_sections IS
  'Whether each chapter has a subsection per department, repeating its per-unit sections for the department''s units';
REVOKE ALL ON sqm.report_setting FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('sqm.report_setting', '');
SELECT sqm.classify('sqm.report_setting', '{"internal": ["org_id"], "statistic": ["department_sections"]}');
ALTER TABLE sqm.report_setting ENABLE ROW LEVEL SECURITY;
CREATE POLICY report_setting_member ON sqm.report_setting FOR SELECT USING (sqm.is_member(org_id));
COMMENT ON POLICY report_setting_member ON sqm.report_setting IS 'Members see their organisations'' report settings';
SELECT sqm.grant_privilege('core', 'SELECT ON sqm.report_setting', '{everyone}');

-- ---------------------------------------------------------------------------
-- The report of a period, and its published version.

CREATE TABLE sqm.quality_report (
    org_id              bigint NOT NULL REFERENCES sqm.organisation,
    id                  bigint NOT NULL DEFAULT pg_catalog.nextval('sqm.case_id_seq'),
    state               text NOT NULL,
    unit_id             bigint CHECK (unit_id IS NULL),
    period              sqm.period NOT NULL,
    lang                text NOT NULL CHECK (lang IN ('sv', 'en')),
    created_at          timestamptz NOT NULL DEFAULT sqm.now(),
    decision_date       date,
    decision_paragraph  integer CHECK (decision_paragraph OPERATOR(pg_catalog.>) 0),
    regnr               sqm.regnr,
    adopted_at          timestamptz,
    PRIMARY KEY (org_id, id),
    UNIQUE (org_id, period)
);
COMMENT ON TABLE sqm.quality_report IS
  'An organisation''s quality report (kvalitetsberättelse) of one of its reporting periods: draft, then adopted by the committee (decision date, paragraph, registry number in the organisation''s registry); a governed table of the core, its text in sqm.quality_report_detail, its published version in sqm.report_publication';
COMMENT ON COLUMN sqm.quality_report.unit_id IS 'Always NULL: a report covers the whole organisation';
COMMENT ON COLUMN sqm.quality_report.period IS 'The reporting period: the organisation''s reporting year, a quarter or a month';
COMMENT ON COLUMN sqm.quality_report.lang IS 'The language of the document the committee adopts (sv, en)';
COMMENT ON COLUMN sqm.quality_report.created_at IS 'When its draft was begun';
COMMENT ON COLUMN sqm.quality_report.decision_date IS 'The day the committee adopted it';
COMMENT ON COLUMN sqm.quality_report.decision_paragraph IS 'The paragraph (§) of the committee''s minutes';
COMMENT ON COLUMN sqm.quality_report.regnr IS 'Its registry number (diarienummer), claimed in the organisation''s registry';
COMMENT ON COLUMN sqm.quality_report.adopted_at IS 'When the adoption was recorded and the published version frozen';

CREATE TABLE sqm.quality_report_detail (
    org_id          bigint NOT NULL,
    id              bigint NOT NULL,
    subtitle        text,
    deciding_body   text,
    scope           text,
    validity        text,
    document_owner  text,
    summary         text,
    analysis        jsonb NOT NULL DEFAULT '{}'
                    CHECK (pg_catalog.jsonb_typeof(analysis) OPERATOR(pg_catalog.=) 'object'
                           AND NOT pg_catalog.jsonb_path_exists(analysis, '$.* ? (@.type() != "string" || @ like_regex "^\\s*$")')),
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (org_id, id) REFERENCES sqm.quality_report
);
COMMENT ON TABLE sqm.quality_report_detail IS
  'The text of a quality report, written by the quality coordinator: the header''s metadata, a summary and the analysis of each chapter and section; one row per report';
COMMENT ON COLUMN sqm.quality_report_detail.subtitle IS 'Under the title';
COMMENT ON COLUMN sqm.quality_report_detail.deciding_body IS 'The deciding body (beslutande organ), e.g. Socialnämnden';
COMMENT ON COLUMN sqm.quality_report_detail.scope IS 'What the report covers (omfattning)';
COMMENT ON COLUMN sqm.quality_report_detail.validity IS 'Its validity (giltighet); NULL: the period''s days';
COMMENT ON COLUMN sqm.quality_report_detail.document_owner IS 'Its document owner (dokumentägare), a function';
COMMENT ON COLUMN sqm.quality_report_detail.summary IS 'The summary opening the report (blank lines separate paragraphs)';
COMMENT ON COLUMN sqm.quality_report_detail.analysis IS
  'The analysis of each chapter and section: a jsonb object from its id (sqm.report_chapter, sqm.report_section, or <chapter>_dep_<department id>) to its text';

CREATE TABLE sqm.report_publication (
    org_id              bigint NOT NULL,
    report_id           bigint NOT NULL,
    lang                text NOT NULL CHECK (lang IN ('sv', 'en')),
    decision_date       date NOT NULL,
    decision_paragraph  integer NOT NULL,
    regnr               sqm.regnr NOT NULL,
    audit_seq           bigint NOT NULL,
    audit_hash          bytea NOT NULL,
    published_at        timestamptz NOT NULL DEFAULT sqm.now(),
    document            jsonb NOT NULL,
    markdown            text NOT NULL,
    html                text NOT NULL,
    PRIMARY KEY (org_id, report_id, lang),
    FOREIGN KEY (org_id, report_id) REFERENCES sqm.quality_report (org_id, id)
);
COMMENT ON TABLE sqm.report_publication IS
  'The published version of an adopted quality report, in each language, frozen at adoption: the document (jsonb, the renderers'' model), its Markdown and HTML, the decision it carries and the head of the organisation''s audit chain it prints; never changed or removed (SQ010)';
COMMENT ON COLUMN sqm.report_publication.report_id IS 'The quality report (sqm.quality_report.id)';
COMMENT ON COLUMN sqm.report_publication.lang IS 'The language of this version (sv, en)';
COMMENT ON COLUMN sqm.report_publication.audit_seq IS 'The head of the organisation''s audit chain when the report was adopted: its seq …';
COMMENT ON COLUMN sqm.report_publication.audit_hash IS '… and its hash (sqm.audit_head); sqm.verify_report_anchors checks the chain still holds it';
COMMENT ON COLUMN sqm.report_publication.published_at IS 'When the version was frozen';
COMMENT ON COLUMN sqm.report_publication.document IS 'The document as adopted (the report document model, doc/report.md)';
COMMENT ON COLUMN sqm.report_publication.markdown IS 'The document as Markdown (sqm.render_markdown)';
COMMENT ON COLUMN sqm.report_publication.html IS 'The document as one HTML page (sqm.render_html)';

-- The rules, in C (src/core/report.c).
CREATE FUNCTION sqm.quality_report_check(new sqm.quality_report, old sqm.quality_report) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_quality_report_check' LANGUAGE C;
COMMENT ON FUNCTION sqm.quality_report_check(sqm.quality_report, sqm.quality_report) IS
  'Row check of quality reports (C, called by the lifecycle engine): a reporting period of the organisation (23514), never changed (55000); adopted after the period and not on a day to come (23514)';
CREATE FUNCTION sqm.guard_quality_report_published(sqm.quality_report) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_guard_quality_report_published' LANGUAGE C STRICT;
COMMENT ON FUNCTION sqm.guard_quality_report_published(sqm.quality_report) IS
  'Guard of draft → adopted (C): the published version exists in the report''s language and carries its decision (SQ002)';
CREATE FUNCTION sqm.report_publication_check(new sqm.report_publication, old sqm.report_publication) RETURNS void
  AS 'MODULE_PATHNAME', 'sqm_report_publication_check' LANGUAGE C;
COMMENT ON FUNCTION sqm.report_publication_check(sqm.report_publication, sqm.report_publication) IS
  'Row check of published versions (C): of a report of the organisation (23503) not yet adopted (SQ004), carrying its decision (23514), naming an event of the organisation''s audit chain as its head (23503)';
REVOKE ALL ON FUNCTION sqm.quality_report_check(sqm.quality_report, sqm.quality_report),
                       sqm.guard_quality_report_published(sqm.quality_report),
                       sqm.report_publication_check(sqm.report_publication, sqm.report_publication) FROM PUBLIC;

-- A report and its text are read by whoever reads the organisation's
-- statistics as a whole; its text is free text, so not by the report reader.
SELECT sqm.govern('quality_report', 'sqm.quality_report',
    classes => '{"internal": ["org_id", "id"],
                 "statistic": ["state", "unit_id", "period", "lang", "decision_date", "decision_paragraph"],
                 "registry_number": ["regnr"], "exact_time": ["created_at", "adopted_at"]}',
    label_sv => 'kvalitetsberättelse', label_en => 'quality report',
    details => 'sqm.quality_report_detail',
    details_classes => '{"internal": ["org_id", "id"],
                         "free_text": ["subtitle", "deciding_body", "scope", "validity", "document_owner", "summary", "analysis"]}',
    visible => 'sqm.may(org_id, NULL, ''read_statistics'')',
    details_visible => 'sqm.may(org_id, NULL, ''read_statistics'')',
    row_check => 'sqm.quality_report_check(sqm.quality_report, sqm.quality_report)',
    row_check_on => '{period,decision_date}',
    readers => '{handlers,auditor,report_reader}',
    details_readers => '{handlers,auditor}');

SELECT sqm.govern_records('quality_report', 'sqm.report_publication',
    classes => '{"internal": ["org_id", "report_id", "audit_seq", "audit_hash"],
                 "statistic": ["lang", "decision_date", "decision_paragraph"], "registry_number": ["regnr"],
                 "exact_time": ["published_at"], "free_text": ["document", "markdown", "html"]}',
    visible => 'sqm.may(org_id, NULL, ''read_statistics'')',
    readers => '{handlers,auditor,report_reader}',
    personal_readers => '{handlers,auditor}',
    row_check => 'sqm.report_publication_check(sqm.report_publication, sqm.report_publication)');

INSERT INTO sqm.lifecycle_state (kind, state, initial, terminal, label_sv, label_en, builtin) VALUES
    ('quality_report', 'draft',   true,  false, 'utkast',  'draft',   true),
    ('quality_report', 'adopted', false, true,  'antagen', 'adopted', true);
INSERT INTO sqm.lifecycle_move (kind, from_state, to_state, capability, guard, requires, builtin) VALUES
    ('quality_report', 'draft', 'adopted', 'manage_report', 'sqm.guard_quality_report_published(sqm.quality_report)',
     '{decision_date,decision_paragraph,regnr,adopted_at}', true);

-- ---------------------------------------------------------------------------
-- The core's own chapter: deadlines (81_deadline_stats.sql).

SELECT sqm.register_report_chapter('deadlines', 90, 'Tidsfrister', 'Deadlines',
  'Varje tidsfrist räknas från den händelse som startar den (till exempel rapportdatum), aldrig från när någon tog upp ärendet. Tabellen visar fristerna som startade under perioden och hur de stod vid uppföljningen: uppfyllda i tid, uppfyllda sent, försenade (inte uppfyllda och förfallna) eller ännu inte förfallna. Lagstadgade frister är fasta; rutinmål är organisationens egna inställningar.',
  'Each deadline runs from the event that starts it (for example the report date), never from when someone picked the case up. The table shows the deadlines that started in the period and how they stood at the follow-up: met in time, met late, overdue (not met and due) or not yet due. Legal limits are fixed; routine targets are the organisation''s own settings.',
  builtin => true);
SELECT sqm.register_report_section('deadlines_per_rule', 'deadlines', 10,
  'Tidsfrister som startade {period}, vid uppföljningen', 'Deadlines started in {period}, at the follow-up',
  'sqm.stat_obligation', 'label', 'Tidsfrist', 'Deadline',
  '[{"column": "cases", "label_sv": "Startade", "label_en": "Started"},
    {"column": "met_in_time", "label_sv": "I tid", "label_en": "In time"},
    {"column": "met_late", "label_sv": "Sent", "label_en": "Late"},
    {"column": "overdue", "label_sv": "Försenade {period}", "label_en": "Overdue {period}", "previous": true,
     "previous_label_sv": "Försenade {previous_period}", "previous_label_en": "Overdue {previous_period}"},
    {"column": "not_yet_due", "label_sv": "Ej förfallna", "label_en": "Not yet due"}]',
  keys => '{rule}', chart => 'hbar', chart_column => 'overdue',
  chart_title_sv => 'Försenade åligganden vid uppföljningen, {period} och {previous_period}',
  chart_title_en => 'Obligations overdue at the follow-up, {period} and {previous_period}', axis_label_sv => 'Försenade vid uppföljningen',
  axis_label_en => 'Overdue at the follow-up', total => false, hide_empty => true,
  builtin => true);
