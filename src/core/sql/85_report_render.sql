-- The quality report document (domain.md §6; doc/report.md): a report
-- document model in jsonb, its validation, and two renderings of it —
-- Markdown, and one self-contained HTML page with inline SVG charts.
--
--   sqm.validate_report(doc)   22023 naming the section and block, or nothing
--   sqm.render_markdown(doc)   headings, metadata list, pipe tables, charts as
--                              their data tables
--   sqm.render_html(doc)       one HTML5 page: inline CSS (screen and print, A4),
--                              inline SVG charts, a content security policy that
--                              admits only its own style and script, no external
--                              resource of any kind
--
-- The model is a document, not a query: it names no kind, view or organisation.
-- The later sqm.report_json(org, period) builds it from the statistics views and
-- exports it as it is; these functions only check and draw it.  Everything here
-- is a pure function of its argument (IMMUTABLE, SECURITY INVOKER): it reads no
-- table and needs no privilege of the owner.  The internal helpers are named
-- sqm.doc_*; the renderers call them with the caller's privileges, so readers
-- are granted them too.

-- ---------------------------------------------------------------------------
-- Small helpers: labels, escaping, numbers.

-- Fixed labels of the two languages.
CREATE FUNCTION sqm.doc_label(what text, lang text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT CASE WHEN lang = 'en' THEN l.en ELSE l.sv END
      FROM (VALUES
        ('contents', 'Innehåll', 'Contents'),
        ('table', 'Tabell', 'Table'),
        ('figure', 'Figur', 'Figure'),
        ('note', 'Anm.', 'Note:'),
        ('analysis', 'Analys', 'Analysis'),
        ('source', 'Källa:', 'Source:'),
        ('no_figure', '– = ingen uppgift', '– = no figure'),
        ('category', 'Kategori', 'Category'),
        ('no_rows', 'Inga uppgifter', 'No figures'),
        ('document_details', 'Dokumentuppgifter', 'Document details'),
        ('generated', 'Framställd', 'Generated'),
        ('page', 'Sida ', 'Page '),
        ('page_of', ' av ', ' of '),
        ('bar', 'Stapeldiagram', 'Bar chart'),
        ('bar_pair', 'Stapeldiagram', 'Bar chart'),
        ('hbar', 'Liggande stapeldiagram', 'Horizontal bar chart'),
        ('line', 'Linjediagram', 'Line chart')) AS l(what, sv, en)
     WHERE l.what = doc_label.what;
END;
COMMENT ON FUNCTION sqm.doc_label(text, text) IS
  'Internal: a fixed label of the report document (contents, table, figure, note …) in Swedish or English';

-- HTML text and attribute values: the five characters with a meaning.
CREATE FUNCTION sqm.doc_escape_html(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN replace(replace(replace(replace(replace(coalesce(t, ''), '&', '&amp;'), '<', '&lt;'), '>', '&gt;'),
                       '"', '&quot;'), '''', '&#39;');
COMMENT ON FUNCTION sqm.doc_escape_html(text) IS
  'Internal: text escaped for HTML element content and quoted attribute values (& < > " '')';

-- Markdown inline text: whitespace collapsed to one line, every character
-- with an inline meaning backslash-escaped (CommonMark escapes any ASCII
-- punctuation), an entity-like & escaped, and what would open a block at the
-- start of a paragraph (a list number, a bullet, a setext line) defused.
CREATE FUNCTION sqm.doc_escape_md(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN regexp_replace(regexp_replace(
         regexp_replace(
           regexp_replace(regexp_replace(btrim(coalesce(t, '')), '\s+', ' ', 'g'),
                          '([\\`*_\[\]<>|~#!])', '\\\1', 'g'),
           '&(#?[A-Za-z0-9]+;)', '\\&\1', 'g'),
         '^([-+=])', '\\\1'),
       '^([0-9]+)([.)])', '\1\\\2');
COMMENT ON FUNCTION sqm.doc_escape_md(text) IS
  'Internal: text as one line of Markdown that renders literally (inline punctuation, | and entity-like & escaped; no block starts)';

-- A number for people: grouped thousands from five digits on (a no-break
-- space in Swedish, a comma in English; four-digit numbers such as years stay
-- whole), the decimals as given with a decimal comma in Swedish, a true minus.
CREATE FUNCTION sqm.doc_number(v numeric, lang text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t   text;
    ip  text;
    fp  text;
BEGIN
    IF v IS NULL THEN
        RETURN '–';
    END IF;
    t := abs(v)::text;
    ip := split_part(t, '.', 1);
    fp := split_part(t, '.', 2);
    IF length(ip) > 4 THEN
        ip := regexp_replace(ip, '([0-9])(?=([0-9]{3})+$)',
                             '\1' || CASE WHEN lang = 'en' THEN ',' ELSE chr(160) END, 'g');
    END IF;
    RETURN CASE WHEN v < 0 THEN chr(8722) ELSE '' END || ip
        || CASE WHEN fp <> '' THEN CASE WHEN lang = 'en' THEN '.' ELSE ',' END || fp ELSE '' END;
END
$$;
COMMENT ON FUNCTION sqm.doc_number(numeric, text) IS
  'Internal: a number as the report shows it (sv 12 345,5 with a no-break space, en 12,345.5; grouping from five digits; U+2212 minus; NULL is –)';

-- A cell, metadata or chart value as shown: a number formatted, a string as
-- it is, JSON null or a missing value as "–" (no figure).
CREATE FUNCTION sqm.doc_value(v jsonb, lang text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN CASE jsonb_typeof(v)
           WHEN 'number' THEN sqm.doc_number(v::numeric, lang)
           WHEN 'string' THEN v #>> '{}'
           ELSE '–' END;
COMMENT ON FUNCTION sqm.doc_value(jsonb, text) IS
  'Internal: a value of the document as shown (number formatted, string as is, null or missing as –); not escaped';

-- A coordinate or length in SVG: one decimal, no trailing zeros.
CREATE FUNCTION sqm.doc_n(x numeric) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN trim_scale(round(x, 1))::text;
COMMENT ON FUNCTION sqm.doc_n(numeric) IS 'Internal: an SVG coordinate (one decimal, trailing zeros trimmed)';

-- A CSS string literal of any text: every character but letters, digits and
-- a few safe ones as a six-digit hex escape, so nothing can end the string,
-- the rule or the style element.
CREATE FUNCTION sqm.doc_css_string(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT '"' || coalesce(string_agg(CASE WHEN x.c ~ '^[A-Za-z0-9 .,:()-]$' THEN x.c
                                           ELSE '\' || lpad(to_hex(ascii(x.c)), 6, '0') END, '' ORDER BY x.i), '') || '"'
      FROM regexp_split_to_table(left(coalesce(t, ''), 90), '') WITH ORDINALITY AS x(c, i);
END;
COMMENT ON FUNCTION sqm.doc_css_string(text) IS
  'Internal: a CSS string literal of any text (non-alphanumerics as \\XXXXXX escapes), for the running header of printed pages';

-- ---------------------------------------------------------------------------
-- Validation.  Every error is 22023 (invalid_parameter_value); the message
-- names the place ("report section 2.1 \"Avvikelser\", block 3"), the detail
-- gives the JSON path and what was found there, the hint what to write.

CREATE FUNCTION sqm.doc_fail(loc text, problem text, detail text, hint text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION 'report %: %', loc, problem
        USING ERRCODE = 'invalid_parameter_value', DETAIL = detail, HINT = hint;
END
$$;
COMMENT ON FUNCTION sqm.doc_fail(text, text, text, text) IS
  'Internal: raise 22023 for an invalid report document: "report <place>: <problem>", detail and hint';

-- A non-empty string (after trimming).
CREATE FUNCTION sqm.doc_is_text(j jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN coalesce(jsonb_typeof(j) = 'string' AND btrim(j #>> '{}') <> '', false);
COMMENT ON FUNCTION sqm.doc_is_text(jsonb) IS 'Internal: whether a JSON value is a non-empty string';

-- A title quoted for a message, shortened.
CREATE FUNCTION sqm.doc_quote(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN '"' || CASE WHEN length(t) > 50 THEN left(t, 49) || '…' ELSE t END || '"';
COMMENT ON FUNCTION sqm.doc_quote(text) IS 'Internal: a title in double quotes for an error message, shortened to 50 characters';

-- What a JSON value is, for a detail message.
CREATE FUNCTION sqm.doc_found(j jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN CASE WHEN j IS NULL THEN 'nothing'
            WHEN jsonb_typeof(j) IN ('string', 'number', 'boolean') AND length(j::text) <= 60 THEN jsonb_typeof(j) || ' ' || j::text
            ELSE 'a JSON ' || jsonb_typeof(j) END;
COMMENT ON FUNCTION sqm.doc_found(jsonb) IS 'Internal: what a JSON value is ("nothing", "string \"x\"", "a JSON array"), for error details';

CREATE FUNCTION sqm.doc_check_keys(obj jsonb, allowed text[], loc text, path text, what text) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    k  text;
BEGIN
    IF jsonb_typeof(obj) IS DISTINCT FROM 'object' THEN
        PERFORM sqm.doc_fail(loc, 'not a JSON object',
                                format('The %s at %s is %s.', what, path, sqm.doc_found(obj)),
                                format('Write the %s as a JSON object with the keys %s.', what, array_to_string(allowed, ', ')));
    END IF;
    SELECT x.key INTO k FROM jsonb_object_keys(obj) AS x(key) WHERE x.key <> ALL (allowed) ORDER BY x.key LIMIT 1;
    IF k IS NOT NULL THEN
        PERFORM sqm.doc_fail(loc, format('unknown key "%s"', k),
                                format('The %s at %s has the key "%s".', what, path, k),
                                format('The keys of a %s are %s.', what, array_to_string(allowed, ', ')));
    END IF;
END
$$;
COMMENT ON FUNCTION sqm.doc_check_keys(jsonb, text[], text, text, text) IS
  'Internal: 22023 unless obj is a JSON object whose keys are all among the allowed ones';

-- An optional array of strings (paragraphs, notes).
CREATE FUNCTION sqm.doc_check_strings(arr jsonb, loc text, path text, what text, required boolean) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    bad  bigint;
BEGIN
    IF arr IS NULL AND NOT required THEN
        RETURN;
    END IF;
    IF jsonb_typeof(arr) IS DISTINCT FROM 'array' OR (required AND jsonb_array_length(arr) = 0) THEN
        PERFORM sqm.doc_fail(loc, format('%s is not %sarray of strings', what, CASE WHEN required THEN 'a non-empty ' ELSE 'an ' END),
                                format('At %s the document has %s.', path, sqm.doc_found(arr)),
                                format('Write %s as a JSON array of strings, one for each paragraph or note.', what));
    END IF;
    SELECT e.i INTO bad FROM jsonb_array_elements(arr) WITH ORDINALITY AS e(v, i)
     WHERE jsonb_typeof(e.v) <> 'string' ORDER BY e.i LIMIT 1;
    IF bad IS NOT NULL THEN
        PERFORM sqm.doc_fail(loc, format('%s %s is not a string', what, bad),
                                format('At %s[%s] the document has %s.', path, bad - 1, sqm.doc_found(arr -> (bad::int - 1))),
                                'Write every paragraph and note as a JSON string.');
    END IF;
END
$$;
COMMENT ON FUNCTION sqm.doc_check_strings(jsonb, text, text, text, boolean) IS
  'Internal: 22023 unless the value is an array of strings (or absent, when not required)';

-- An optional string field.
CREATE FUNCTION sqm.doc_check_string(obj jsonb, key text, loc text, path text) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF obj ? key AND jsonb_typeof(obj -> key) <> 'string' THEN
        PERFORM sqm.doc_fail(loc, format('"%s" is not a string', key),
                                format('At %s.%s the document has %s.', path, key, sqm.doc_found(obj -> key)),
                                format('Write "%s" as a JSON string, or leave it out.', key));
    END IF;
END
$$;
COMMENT ON FUNCTION sqm.doc_check_string(jsonb, text, text, text) IS 'Internal: 22023 if an optional key is present and not a string';

-- An optional anchor id of a section or block: it becomes an HTML id.
CREATE FUNCTION sqm.doc_check_id(obj jsonb, loc text, path text) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF obj ? 'id' AND (jsonb_typeof(obj -> 'id') <> 'string'
                       OR (obj ->> 'id') !~ '^[A-Za-z][A-Za-z0-9_-]{0,62}$' OR (obj ->> 'id') ~* '^sqm-') THEN
        PERFORM sqm.doc_fail(loc, 'invalid id',
                                format('At %s.id the document has %s.', path, sqm.doc_found(obj -> 'id')),
                                'An id is a letter followed by up to 62 letters, digits, _ or -, and does not start with "sqm-" (the renderers'' own ids).');
    END IF;
END
$$;
COMMENT ON FUNCTION sqm.doc_check_id(jsonb, text, text) IS
  'Internal: 22023 unless an optional id is a letter then letters, digits, _ or - (at most 63), not starting with sqm-';

-- The cells of a table row or of its total: keys among the columns, values
-- numbers, strings or null.
CREATE FUNCTION sqm.doc_check_cells(r jsonb, keys text[], loc text, path text, what text) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    k  text;
BEGIN
    IF jsonb_typeof(r) IS DISTINCT FROM 'object' THEN
        PERFORM sqm.doc_fail(loc, format('%s is not a JSON object', what),
                                format('At %s the document has %s.', path, sqm.doc_found(r)),
                                'Write each row as a JSON object from column keys to values.');
    END IF;
    SELECT x.key INTO k FROM jsonb_object_keys(r) AS x(key) WHERE x.key <> ALL (keys) ORDER BY x.key LIMIT 1;
    IF k IS NOT NULL THEN
        PERFORM sqm.doc_fail(loc, format('%s has a value for "%s", which is not a column', what, k),
                                format('At %s the key "%s" is not among the table''s column keys (%s).', path, k, array_to_string(keys, ', ')),
                                'Add the column (with "hidden": true if it should not be shown), or remove the value.');
    END IF;
    SELECT x.key INTO k FROM jsonb_each(r) AS x(key, value)
     WHERE jsonb_typeof(x.value) NOT IN ('number', 'string', 'null') ORDER BY x.key LIMIT 1;
    IF k IS NOT NULL THEN
        PERFORM sqm.doc_fail(loc, format('%s: the value of "%s" is not a number, string or null', what, k),
                                format('At %s.%s the document has %s.', path, k, sqm.doc_found(r -> k)),
                                'A cell is a number, a string, or null for no figure (shown as –).');
    END IF;
END
$$;
COMMENT ON FUNCTION sqm.doc_check_cells(jsonb, text[], text, text, text) IS
  'Internal: 22023 unless a table row is an object whose keys are column keys and whose values are numbers, strings or null';

CREATE FUNCTION sqm.doc_check_block(b jsonb, loc text, path text) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
    typ     text;
    kind    text;
    keys    text[];
    k       text;
    i       bigint;
    n       integer;
    s       integer;
    c       jsonb;
    se      jsonb;
    bad     bigint;
BEGIN
    IF jsonb_typeof(b) IS DISTINCT FROM 'object' THEN
        PERFORM sqm.doc_fail(loc, 'not a JSON object',
                                format('At %s the document has %s.', path, sqm.doc_found(b)),
                                'A block is a JSON object with a "type": text, table or chart.');
    END IF;
    typ := b ->> 'type';
    IF NOT b ? 'type' THEN
        PERFORM sqm.doc_fail(loc, 'block has no type',
                                format('The block at %s has no "type".', path),
                                'A block''s "type" is text, table or chart.');
    ELSIF typ IS NULL OR typ NOT IN ('text', 'table', 'chart') OR jsonb_typeof(b -> 'type') <> 'string' THEN
        PERFORM sqm.doc_fail(loc, format('unknown block type %s', (b -> 'type')::text),
                                format('The block at %s has "type": %s.', path, (b -> 'type')::text),
                                'A block''s "type" is text, table or chart.');
    END IF;
    PERFORM sqm.doc_check_id(b, loc, path);

    IF typ = 'text' THEN
        PERFORM sqm.doc_check_keys(b, ARRAY['type', 'id', 'paragraphs'], loc, path, 'text block');
        PERFORM sqm.doc_check_strings(b -> 'paragraphs', loc, path || '.paragraphs', 'paragraphs', true);

    ELSIF typ = 'table' THEN
        PERFORM sqm.doc_check_keys(b, ARRAY['type', 'id', 'caption', 'columns', 'rows', 'total', 'notes', 'source'],
                                      loc, path, 'table block');
        IF NOT sqm.doc_is_text(b -> 'caption') THEN
            PERFORM sqm.doc_fail(loc, 'table has no caption',
                                    format('The table at %s has %s as its "caption".', path, sqm.doc_found(b -> 'caption')),
                                    'Give every table a "caption" (a non-empty string); it is shown as "Tabell N. caption".');
        END IF;
        IF jsonb_typeof(b -> 'columns') IS DISTINCT FROM 'array' OR jsonb_array_length(b -> 'columns') = 0 THEN
            PERFORM sqm.doc_fail(loc, 'table has no columns',
                                    format('At %s.columns the document has %s.', path, sqm.doc_found(b -> 'columns')),
                                    'Give a table "columns": an array of {"key", "label", "align", "hidden"}.');
        END IF;
        keys := '{}';
        FOR c, i IN SELECT e.v, e.i FROM jsonb_array_elements(b -> 'columns') WITH ORDINALITY AS e(v, i) LOOP
            PERFORM sqm.doc_check_keys(c, ARRAY['key', 'label', 'align', 'hidden'], loc,
                                          format('%s.columns[%s]', path, i - 1), 'column');
            IF NOT sqm.doc_is_text(c -> 'key') OR (c ->> 'key') = ANY (keys) THEN
                PERFORM sqm.doc_fail(loc, format('column %s has %s key', i, CASE WHEN sqm.doc_is_text(c -> 'key') THEN 'a duplicate' ELSE 'no' END),
                                        format('At %s.columns[%s].key the document has %s.', path, i - 1, sqm.doc_found(c -> 'key')),
                                        'Every column has a "key" of its own: the rows name their values by it.');
            END IF;
            IF jsonb_typeof(c -> 'label') IS DISTINCT FROM 'string' THEN
                PERFORM sqm.doc_fail(loc, format('column %s has no label', i),
                                        format('At %s.columns[%s].label the document has %s.', path, i - 1, sqm.doc_found(c -> 'label')),
                                        'Every column has a "label" string, the heading shown (it may be "").');
            END IF;
            IF c ? 'align' AND coalesce(c ->> 'align', '') NOT IN ('left', 'right', 'center') THEN
                PERFORM sqm.doc_fail(loc, format('column %s has an unknown alignment', i),
                                        format('At %s.columns[%s].align the document has %s.', path, i - 1, sqm.doc_found(c -> 'align')),
                                        'A column''s "align" is left, right or center; without it numbers go right and text left.');
            END IF;
            IF c ? 'hidden' AND jsonb_typeof(c -> 'hidden') <> 'boolean' THEN
                PERFORM sqm.doc_fail(loc, format('column %s: "hidden" is not a boolean', i),
                                        format('At %s.columns[%s].hidden the document has %s.', path, i - 1, sqm.doc_found(c -> 'hidden')),
                                        'Write "hidden": true for a column carried in the data but not shown.');
            END IF;
            keys := keys || (c ->> 'key');
        END LOOP;
        IF NOT EXISTS (SELECT FROM jsonb_array_elements(b -> 'columns') e(v) WHERE NOT coalesce((e.v ->> 'hidden')::boolean, false)) THEN
            PERFORM sqm.doc_fail(loc, 'table has no visible column',
                                    format('Every column at %s.columns is hidden.', path),
                                    'Show at least one column.');
        END IF;
        IF b ? 'rows' AND jsonb_typeof(b -> 'rows') <> 'array' THEN
            PERFORM sqm.doc_fail(loc, 'rows is not an array',
                                    format('At %s.rows the document has %s.', path, sqm.doc_found(b -> 'rows')),
                                    'Write "rows" as a JSON array of objects from column keys to values.');
        END IF;
        FOR c, i IN SELECT e.v, e.i FROM jsonb_array_elements(coalesce(b -> 'rows', '[]')) WITH ORDINALITY AS e(v, i) LOOP
            PERFORM sqm.doc_check_cells(c, keys, loc, format('%s.rows[%s]', path, i - 1), format('row %s', i));
        END LOOP;
        IF b ? 'total' THEN
            PERFORM sqm.doc_check_cells(b -> 'total', keys, loc, path || '.total', 'the total row');
        END IF;
        PERFORM sqm.doc_check_strings(b -> 'notes', loc, path || '.notes', 'notes', false);
        PERFORM sqm.doc_check_string(b, 'source', loc, path);

    ELSIF typ = 'chart' THEN
        PERFORM sqm.doc_check_keys(b, ARRAY['type', 'id', 'kind', 'title', 'categories', 'series', 'category_label',
                                               'axis_label', 'notes', 'source'], loc, path, 'chart block');
        kind := b ->> 'kind';
        IF NOT b ? 'kind' OR jsonb_typeof(b -> 'kind') <> 'string' OR kind NOT IN ('bar', 'bar_pair', 'hbar', 'line') THEN
            PERFORM sqm.doc_fail(loc, CASE WHEN b ? 'kind' THEN format('unknown chart kind %s', (b -> 'kind')::text) ELSE 'chart has no kind' END,
                                    format('The chart at %s has %s as its "kind".', path, sqm.doc_found(b -> 'kind')),
                                    'A chart''s "kind" is bar (one series), bar_pair (this period beside the previous), hbar (horizontal bars, one or two series) or line (one to six series).');
        END IF;
        IF NOT sqm.doc_is_text(b -> 'title') THEN
            PERFORM sqm.doc_fail(loc, 'chart has no title',
                                    format('The chart at %s has %s as its "title".', path, sqm.doc_found(b -> 'title')),
                                    'Give every chart a "title" (a non-empty string); it is shown as "Figur N. title" and read out by screen readers.');
        END IF;
        IF jsonb_typeof(b -> 'categories') IS DISTINCT FROM 'array' OR jsonb_array_length(b -> 'categories') = 0 THEN
            PERFORM sqm.doc_fail(loc, 'chart has no categories',
                                    format('At %s.categories the document has %s.', path, sqm.doc_found(b -> 'categories')),
                                    'Give a chart "categories": a non-empty array of the names along its axis (units, types, years).');
        END IF;
        SELECT e.i INTO bad FROM jsonb_array_elements(b -> 'categories') WITH ORDINALITY AS e(v, i)
         WHERE NOT (sqm.doc_is_text(e.v) OR jsonb_typeof(e.v) = 'number') ORDER BY e.i LIMIT 1;
        IF bad IS NOT NULL THEN
            PERFORM sqm.doc_fail(loc, format('category %s is not a non-empty string or a number', bad),
                                    format('At %s.categories[%s] the document has %s.', path, bad - 1, sqm.doc_found(b -> 'categories' -> (bad::int - 1))),
                                    'Name every category with a string (or a number, such as a year).');
        END IF;
        n := jsonb_array_length(b -> 'categories');
        IF jsonb_typeof(b -> 'series') IS DISTINCT FROM 'array' THEN
            PERFORM sqm.doc_fail(loc, 'chart has no series',
                                    format('At %s.series the document has %s.', path, sqm.doc_found(b -> 'series')),
                                    'Give a chart "series": an array of {"name", "values"}.');
        END IF;
        s := jsonb_array_length(b -> 'series');
        IF (kind = 'bar' AND s <> 1) OR (kind = 'bar_pair' AND s <> 2) OR (kind = 'hbar' AND s NOT BETWEEN 1 AND 2)
           OR (kind = 'line' AND s NOT BETWEEN 1 AND 6) THEN
            PERFORM sqm.doc_fail(loc, format('a %s chart cannot have %s series', kind, s),
                                    format('The chart at %s is of kind %s and has %s series.', path, kind, s),
                                    'bar has one series, bar_pair two (this period first, then the previous one), hbar one or two, line one to six.');
        END IF;
        FOR se, i IN SELECT e.v, e.i FROM jsonb_array_elements(b -> 'series') WITH ORDINALITY AS e(v, i) LOOP
            PERFORM sqm.doc_check_keys(se, ARRAY['name', 'values'], loc, format('%s.series[%s]', path, i - 1), 'series');
            IF NOT (sqm.doc_is_text(se -> 'name') OR coalesce(jsonb_typeof(se -> 'name') = 'number', false)) THEN
                PERFORM sqm.doc_fail(loc, format('series %s has no name', i),
                                        format('At %s.series[%s].name the document has %s.', path, i - 1, sqm.doc_found(se -> 'name')),
                                        'Name every series (e.g. the period, "2025"); the name is the legend and the column heading.');
            END IF;
            IF jsonb_typeof(se -> 'values') IS DISTINCT FROM 'array' OR jsonb_array_length(se -> 'values') <> n THEN
                k := coalesce(jsonb_array_length(CASE WHEN jsonb_typeof(se -> 'values') = 'array' THEN se -> 'values' END), 0);
                PERFORM sqm.doc_fail(loc, format('series %s %s has %s value%s for %s categor%s', i, sqm.doc_quote(se ->> 'name'),
                                                    k, CASE WHEN k = '1' THEN '' ELSE 's' END, n, CASE WHEN n = 1 THEN 'y' ELSE 'ies' END),
                                        format('At %s.series[%s].values the document has %s; the chart has %s categories.',
                                               path, i - 1, sqm.doc_found(se -> 'values'), n),
                                        'Give every series one value per category, in the order of the categories; null where there is no figure.');
            END IF;
            SELECT e.i INTO bad FROM jsonb_array_elements(se -> 'values') WITH ORDINALITY AS e(v, i)
             WHERE jsonb_typeof(e.v) NOT IN ('number', 'null') ORDER BY e.i LIMIT 1;
            IF bad IS NOT NULL THEN
                PERFORM sqm.doc_fail(loc, format('series %s %s: value %s is not a number or null', i, sqm.doc_quote(se ->> 'name'), bad),
                                        format('At %s.series[%s].values[%s] the document has %s.', path, i - 1, bad - 1,
                                               sqm.doc_found(se -> 'values' -> (bad::int - 1))),
                                        'A chart value is a number, or null for no figure (drawn as no mark, shown as –).');
            END IF;
        END LOOP;
        PERFORM sqm.doc_check_string(b, 'category_label', loc, path);
        PERFORM sqm.doc_check_string(b, 'axis_label', loc, path);
        PERFORM sqm.doc_check_string(b, 'source', loc, path);
        PERFORM sqm.doc_check_strings(b -> 'notes', loc, path || '.notes', 'notes', false);
    END IF;
END
$$;
COMMENT ON FUNCTION sqm.doc_check_block(jsonb, text, text) IS
  'Internal: 22023 unless a block is a valid text, table or chart block (loc names it in messages, path is its JSON path)';

CREATE FUNCTION sqm.doc_check_section(sec jsonb, number text, path text, depth integer) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
    loc  text := 'section ' || number;
    b    jsonb;
    i    bigint;
BEGIN
    IF jsonb_typeof(sec) IS DISTINCT FROM 'object' THEN
        PERFORM sqm.doc_fail(loc, 'not a JSON object',
                                format('At %s the document has %s.', path, sqm.doc_found(sec)),
                                'A section is a JSON object with a "title" and optionally "id", "blocks", "analysis" and "sections".');
    END IF;
    IF sqm.doc_is_text(sec -> 'title') THEN
        loc := loc || ' ' || sqm.doc_quote(sec ->> 'title');
    END IF;
    PERFORM sqm.doc_check_keys(sec, ARRAY['id', 'title', 'blocks', 'analysis', 'sections'], loc, path, 'section');
    IF NOT sqm.doc_is_text(sec -> 'title') THEN
        PERFORM sqm.doc_fail(loc, 'no title',
                                format('The section at %s has %s as its "title".', path, sqm.doc_found(sec -> 'title')),
                                'Give every section a "title" (a non-empty string).');
    END IF;
    IF depth > 4 THEN
        PERFORM sqm.doc_fail(loc, 'sections are nested more than four deep',
                                format('The section at %s is at depth %s.', path, depth),
                                'Use at most four levels of sections (1, 1.1, 1.1.1, 1.1.1.1).');
    END IF;
    PERFORM sqm.doc_check_id(sec, loc, path);
    PERFORM sqm.doc_check_strings(sec -> 'analysis', loc, path || '.analysis', 'analysis', false);
    IF sec ? 'blocks' AND jsonb_typeof(sec -> 'blocks') <> 'array' THEN
        PERFORM sqm.doc_fail(loc, 'blocks is not an array',
                                format('At %s.blocks the document has %s.', path, sqm.doc_found(sec -> 'blocks')),
                                'Write "blocks" as a JSON array of text, table and chart blocks.');
    END IF;
    FOR b, i IN SELECT e.v, e.i FROM jsonb_array_elements(coalesce(sec -> 'blocks', '[]')) WITH ORDINALITY AS e(v, i) LOOP
        PERFORM sqm.doc_check_block(b, format('%s, block %s', loc, i), format('%s.blocks[%s]', path, i - 1));
    END LOOP;
    IF sec ? 'sections' AND jsonb_typeof(sec -> 'sections') <> 'array' THEN
        PERFORM sqm.doc_fail(loc, 'sections is not an array',
                                format('At %s.sections the document has %s.', path, sqm.doc_found(sec -> 'sections')),
                                'Write "sections" as a JSON array of sections.');
    END IF;
    FOR b, i IN SELECT e.v, e.i FROM jsonb_array_elements(coalesce(sec -> 'sections', '[]')) WITH ORDINALITY AS e(v, i) LOOP
        PERFORM sqm.doc_check_section(b, number || '.' || i, format('%s.sections[%s]', path, i - 1), depth + 1);
    END LOOP;
END
$$;
COMMENT ON FUNCTION sqm.doc_check_section(jsonb, text, text, integer) IS
  'Internal: 22023 unless a section (number 2.1 …, JSON path, depth) and everything in it is valid';

-- The document in reading order, flat: one row per section heading, block and
-- analysis, with the section number (1, 1.2 …), its parent, the anchor id,
-- and the running number of each table and chart.  A section reads: heading,
-- blocks, analysis, then its subsections.
CREATE FUNCTION sqm.doc_outline(doc jsonb)
RETURNS TABLE (ord bigint, item text, depth integer, number text, parent text, anchor text,
               table_no bigint, figure_no bigint, obj jsonb)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
SET jit = off
BEGIN ATOMIC
    WITH RECURSIVE sec(k, depth, number, parent, obj) AS (
        SELECT ARRAY[s.i::integer], 1, s.i::text, NULL::text, s.obj
          FROM jsonb_array_elements(CASE WHEN jsonb_typeof(doc -> 'sections') = 'array' THEN doc -> 'sections' ELSE '[]' END)
               WITH ORDINALITY AS s(obj, i)
        UNION ALL
        SELECT sec.k || 3 || c.i::integer, sec.depth + 1, sec.number || '.' || c.i, sec.number, c.obj
          FROM sec CROSS JOIN LATERAL jsonb_array_elements(
                   CASE WHEN jsonb_typeof(sec.obj -> 'sections') = 'array' THEN sec.obj -> 'sections' ELSE '[]' END)
               WITH ORDINALITY AS c(obj, i)
    ), items AS (
        SELECT sec.k || 0 AS k, 'section' AS item, sec.depth, sec.number, sec.parent, sec.obj FROM sec
        UNION ALL
        SELECT sec.k || 1 || b.i::integer, 'block', sec.depth, sec.number, sec.parent, b.obj
          FROM sec CROSS JOIN LATERAL jsonb_array_elements(
                   CASE WHEN jsonb_typeof(sec.obj -> 'blocks') = 'array' THEN sec.obj -> 'blocks' ELSE '[]' END)
               WITH ORDINALITY AS b(obj, i)
        UNION ALL
        SELECT sec.k || 2, 'analysis', sec.depth, sec.number, sec.parent, sec.obj -> 'analysis'
          FROM sec
         WHERE jsonb_typeof(sec.obj -> 'analysis') = 'array' AND jsonb_array_length(sec.obj -> 'analysis') > 0
    ), numbered AS (
        SELECT i.*,
               count(*) FILTER (WHERE i.item = 'block' AND i.obj ->> 'type' = 'table') OVER w AS tno,
               count(*) FILTER (WHERE i.item = 'block' AND i.obj ->> 'type' = 'chart') OVER w AS fno
          FROM items i
        WINDOW w AS (ORDER BY i.k ROWS UNBOUNDED PRECEDING)
    )
    SELECT row_number() OVER (ORDER BY n.k), n.item, n.depth, n.number, n.parent,
           CASE WHEN n.item = 'section' THEN coalesce(n.obj ->> 'id', 'sqm-sec-' || replace(n.number, '.', '-'))
                WHEN n.item = 'block' AND jsonb_typeof(n.obj) = 'object' THEN
                     coalesce(n.obj ->> 'id', CASE n.obj ->> 'type' WHEN 'table' THEN 'sqm-tab-' || n.tno
                                                                   WHEN 'chart' THEN 'sqm-fig-' || n.fno END) END,
           CASE WHEN n.item = 'block' AND n.obj ->> 'type' = 'table' THEN n.tno END,
           CASE WHEN n.item = 'block' AND n.obj ->> 'type' = 'chart' THEN n.fno END,
           n.obj
      FROM numbered n
     ORDER BY n.k;
END;
COMMENT ON FUNCTION sqm.doc_outline(jsonb) IS
  'Internal: the document flat, in reading order (heading, blocks, analysis, subsections): item, depth, section number and parent, anchor id, table and figure numbers';

CREATE FUNCTION sqm.validate_report(doc jsonb) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
    m     jsonb;
    i     bigint;
    dup   record;
BEGIN
    IF doc IS NULL THEN
        RAISE EXCEPTION 'report document is null'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'Pass a report document: a JSON object with at least a "title" (see doc/report.md).';
    END IF;
    PERFORM sqm.doc_check_keys(doc, ARRAY['model_version', 'title', 'subtitle', 'lang', 'metadata', 'toc', 'numbered',
                                             'generated_at', 'sections'], 'document', '$', 'report document');
    IF doc ? 'model_version' AND (doc -> 'model_version') IS DISTINCT FROM '1'::jsonb THEN
        PERFORM sqm.doc_fail('document', format('unsupported model_version %s', (doc -> 'model_version')::text),
                                'This version of sqm reads version 1 of the report document model.',
                                'Write "model_version": 1, or leave it out.');
    END IF;
    IF NOT sqm.doc_is_text(doc -> 'title') THEN
        PERFORM sqm.doc_fail('document', 'no title',
                                format('At $.title the document has %s.', sqm.doc_found(doc -> 'title')),
                                'Give the document a "title" (a non-empty string), e.g. "Kvalitetsberättelse 2025".');
    END IF;
    IF doc ? 'lang' AND coalesce(doc ->> 'lang', '') NOT IN ('sv', 'en') THEN
        PERFORM sqm.doc_fail('document', format('unknown language %s', (doc -> 'lang')::text),
                                format('At $.lang the document has %s.', sqm.doc_found(doc -> 'lang')),
                                'The language is "sv" (the default) or "en".');
    END IF;
    PERFORM sqm.doc_check_string(doc, 'subtitle', 'document', '$');
    PERFORM sqm.doc_check_string(doc, 'generated_at', 'document', '$');
    IF doc ? 'toc' AND jsonb_typeof(doc -> 'toc') <> 'boolean' THEN
        PERFORM sqm.doc_fail('document', '"toc" is not a boolean', format('At $.toc the document has %s.', sqm.doc_found(doc -> 'toc')),
                                'Write "toc": false to leave out the table of contents, or leave it out.');
    END IF;
    IF doc ? 'numbered' AND jsonb_typeof(doc -> 'numbered') <> 'boolean' THEN
        PERFORM sqm.doc_fail('document', '"numbered" is not a boolean', format('At $.numbered the document has %s.', sqm.doc_found(doc -> 'numbered')),
                                'Write "numbered": false for headings without section numbers, or leave it out.');
    END IF;
    IF doc ? 'metadata' AND jsonb_typeof(doc -> 'metadata') <> 'array' THEN
        PERFORM sqm.doc_fail('document', 'metadata is not an array',
                                format('At $.metadata the document has %s.', sqm.doc_found(doc -> 'metadata')),
                                'Write "metadata" as an array of {"label", "value"} pairs (deciding body, decision date and paragraph, registry number, scope, validity, document owner …).');
    END IF;
    FOR m, i IN SELECT e.v, e.i FROM jsonb_array_elements(coalesce(doc -> 'metadata', '[]')) WITH ORDINALITY AS e(v, i) LOOP
        PERFORM sqm.doc_check_keys(m, ARRAY['key', 'label', 'value'], format('metadata %s', i),
                                      format('$.metadata[%s]', i - 1), 'metadata pair');
        IF NOT sqm.doc_is_text(m -> 'label') THEN
            PERFORM sqm.doc_fail(format('metadata %s', i), 'metadata pair has no label',
                                    format('At $.metadata[%s].label the document has %s.', i - 1, sqm.doc_found(m -> 'label')),
                                    'Give every metadata pair a "label" such as "Beslutande organ".');
        END IF;
        IF m ? 'key' AND (jsonb_typeof(m -> 'key') <> 'string' OR (m ->> 'key') !~ '^[a-z][a-z0-9_]*$') THEN
            PERFORM sqm.doc_fail(format('metadata %s %s', i, sqm.doc_quote(m ->> 'label')), 'invalid metadata key',
                                    format('At $.metadata[%s].key the document has %s.', i - 1, sqm.doc_found(m -> 'key')),
                                    'A metadata key is a lower-case identifier such as decision_date; it is for programs, the label is for people.');
        END IF;
        IF coalesce(jsonb_typeof(m -> 'value'), 'null') NOT IN ('string', 'number', 'null') THEN
            PERFORM sqm.doc_fail(format('metadata %s %s', i, sqm.doc_quote(m ->> 'label')), 'metadata value is not a string, number or null',
                                    format('At $.metadata[%s].value the document has %s.', i - 1, sqm.doc_found(m -> 'value')),
                                    'Write the value as a string (dates too); null or a missing value is shown as –.');
        END IF;
    END LOOP;
    IF doc ? 'sections' AND jsonb_typeof(doc -> 'sections') <> 'array' THEN
        PERFORM sqm.doc_fail('document', 'sections is not an array',
                                format('At $.sections the document has %s.', sqm.doc_found(doc -> 'sections')),
                                'Write "sections" as a JSON array of sections.');
    END IF;
    FOR m, i IN SELECT e.v, e.i FROM jsonb_array_elements(coalesce(doc -> 'sections', '[]')) WITH ORDINALITY AS e(v, i) LOOP
        PERFORM sqm.doc_check_section(m, i::text, format('$.sections[%s]', i - 1), 1);
    END LOOP;
    -- anchors are HTML ids: one element each
    SELECT o.anchor, min(o.ord) AS first_ord, array_agg(CASE WHEN o.item = 'section' THEN 'section ' || o.number
                                                            ELSE format('a block of section %s', o.number) END ORDER BY o.ord) AS places
      INTO dup
      FROM sqm.doc_outline(doc) o
     WHERE o.anchor IS NOT NULL
     GROUP BY o.anchor HAVING count(*) > 1
     ORDER BY first_ord LIMIT 1;
    IF FOUND THEN
        PERFORM sqm.doc_fail('document', format('id "%s" is used more than once', dup.anchor),
                                format('The id "%s" is given to %s.', dup.anchor, array_to_string(dup.places, ' and ')),
                                'Give every section and block its own id, or leave ids out.');
    END IF;
END
$$;
COMMENT ON FUNCTION sqm.validate_report(jsonb) IS
  'Check a report document (doc/report.md): 22023 naming the section and block at fault, with the JSON path and what was found in the detail and what to write in the hint; 22004 for NULL. Returns nothing when the document is valid';

-- ---------------------------------------------------------------------------
-- Charts: inline SVG.  Every drawn data mark (a bar, a point of a line)
-- carries class="mark"; a NULL value draws no mark (bars show "–" where the
-- bar would stand).  Each chart says how many marks it should have
-- (data-expected-marks); the page's script writes how many it finds rendered
-- (data-marks) and the chart's rendered box.  Text sizes are estimated with
-- an average glyph width of 0.6 em, which holds for the sans-serif fonts the
-- page asks for (Liberation Sans, Arial, DejaVu Sans).

-- An axis from 0 (or below, for negatives) to a round number above the
-- largest value, in about five steps of 1, 2 or 5 times a power of ten; whole
-- steps for whole values.  Returns {low, high, step}.
CREATE FUNCTION sqm.doc_nice_scale(low numeric, high numeric, integral boolean) RETURNS numeric[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    l     numeric := least(coalesce(low, 0), 0);
    h     numeric := greatest(coalesce(high, 0), 0);
    raw   numeric;
    mag   numeric;
    norm  numeric;
    step  numeric;
BEGIN
    IF h = l THEN
        h := l + 1;
    END IF;
    raw := (h - l) / 5;
    mag := power(10::numeric, floor(log(raw)));
    norm := raw / mag;
    step := CASE WHEN norm <= 1 THEN 1 WHEN norm <= 2 THEN 2 WHEN norm <= 5 THEN 5 ELSE 10 END * mag;
    IF integral AND step < 1 THEN
        step := 1;
    END IF;
    step := trim_scale(step);
    RETURN ARRAY[trim_scale(floor(l / step) * step), trim_scale(ceil(h / step) * step), step];
END
$$;
COMMENT ON FUNCTION sqm.doc_nice_scale(numeric, numeric, boolean) IS
  'Internal: a chart axis {low, high, step} covering 0 and the values in about five steps of 1, 2 or 5 × 10^n (whole steps for whole values)';

-- Greedy word wrap at spaces and after a slash ("fysisk miljö/teknik"); a
-- word longer than the width gets a line of its own.
CREATE FUNCTION sqm.doc_wrap(t text, width integer) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    m      text[];
    line   text := '';
    lines  text[] := '{}';
    cand   text;
BEGIN
    FOR m IN SELECT regexp_matches(coalesce(t, ''), '(\s*)([^\s/]+/?|/)', 'g') LOOP
        cand := CASE WHEN line = '' THEN m[2] WHEN m[1] <> '' THEN line || ' ' || m[2] ELSE line || m[2] END;
        IF line = '' OR length(cand) <= width THEN
            line := cand;
        ELSE
            lines := lines || line;
            line := m[2];
        END IF;
    END LOOP;
    IF line <> '' THEN
        lines := lines || line;
    END IF;
    RETURN lines;
END
$$;
COMMENT ON FUNCTION sqm.doc_wrap(text, integer) IS
  'Internal: text wrapped into lines of at most width characters, at spaces and after slashes (longer words stand alone)';

-- One SVG <text> of one or more lines (tspans), escaped; the first line's
-- baseline at y.
CREATE FUNCTION sqm.doc_svg_text(lines text[], x numeric, y numeric, attrs text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT format('<text x="%s" y="%s" %s>', sqm.doc_n(x), sqm.doc_n(y), attrs)
        || CASE WHEN cardinality(lines) = 1 THEN sqm.doc_escape_html(lines[1])
                ELSE (SELECT string_agg(format('<tspan x="%s" dy="%s">%s</tspan>', sqm.doc_n(x),
                                               CASE WHEN l.i = 1 THEN '0' ELSE '1.2em' END, sqm.doc_escape_html(l.t)), '' ORDER BY l.i)
                        FROM unnest(lines) WITH ORDINALITY AS l(t, i)) END
        || '</text>';
END;
COMMENT ON FUNCTION sqm.doc_svg_text(text[], numeric, numeric, text) IS
  'Internal: an SVG text element of one or more lines (tspans 1.2em apart), content escaped';

-- A point marker of a line series: circle, square, triangle, diamond,
-- downward triangle, ring — told apart without colour.
CREATE FUNCTION sqm.doc_svg_marker(shape integer, x numeric, y numeric, colour text, attrs text, tip text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT CASE (shape - 1) % 6 + 1
             WHEN 1 THEN format('<circle %s cx="%s" cy="%s" r="4.5" fill="%s">', attrs, sqm.doc_n(x), sqm.doc_n(y), colour)
             WHEN 2 THEN format('<rect %s x="%s" y="%s" width="8" height="8" fill="%s">', attrs, sqm.doc_n(x - 4), sqm.doc_n(y - 4), colour)
             WHEN 3 THEN format('<path %s d="M%s %sL%s %sL%s %sZ" fill="%s">', attrs, sqm.doc_n(x), sqm.doc_n(y - 5.5),
                                sqm.doc_n(x + 5), sqm.doc_n(y + 3.5), sqm.doc_n(x - 5), sqm.doc_n(y + 3.5), colour)
             WHEN 4 THEN format('<path %s d="M%s %sL%s %sL%s %sL%s %sZ" fill="%s">', attrs, sqm.doc_n(x), sqm.doc_n(y - 5.5),
                                sqm.doc_n(x + 5.5), sqm.doc_n(y), sqm.doc_n(x), sqm.doc_n(y + 5.5),
                                sqm.doc_n(x - 5.5), sqm.doc_n(y), colour)
             WHEN 5 THEN format('<path %s d="M%s %sL%s %sL%s %sZ" fill="%s">', attrs, sqm.doc_n(x), sqm.doc_n(y + 5.5),
                                sqm.doc_n(x + 5), sqm.doc_n(y - 3.5), sqm.doc_n(x - 5), sqm.doc_n(y - 3.5), colour)
             ELSE format('<circle %s cx="%s" cy="%s" r="4" fill="#ffffff" stroke="%s" stroke-width="2">', attrs,
                         sqm.doc_n(x), sqm.doc_n(y), colour)
           END
        || CASE WHEN tip IS NULL THEN '' ELSE '<title>' || sqm.doc_escape_html(tip) || '</title>' END
        || CASE (shape - 1) % 6 + 1 WHEN 1 THEN '</circle>' WHEN 2 THEN '</rect>' WHEN 6 THEN '</circle>' ELSE '</path>' END;
END;
COMMENT ON FUNCTION sqm.doc_svg_marker(integer, numeric, numeric, text, text, text) IS
  'Internal: an SVG point marker of shape 1–6 (circle, square, triangle, diamond, downward triangle, ring) with an optional tooltip';

-- Bar colours (this period dark, the previous light with a darker edge) and
-- line styles (colour, dash, marker): distinct in grey-scale print too.
CREATE FUNCTION sqm.doc_palette(what text, k integer) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN CASE what
         WHEN 'bar_fill' THEN (ARRAY['#1f4e79', '#a9c6e3'])[(k - 1) % 2 + 1]
         WHEN 'bar_edge' THEN (ARRAY['#1f4e79', '#5f87b0'])[(k - 1) % 2 + 1]
         WHEN 'line' THEN (ARRAY['#1f4e79', '#b4541a', '#3f7a34', '#6d3f96', '#4d4d4d', '#0e7c86'])[(k - 1) % 6 + 1]
         WHEN 'dash' THEN (ARRAY['', ' stroke-dasharray="7 4"', ' stroke-dasharray="2 3"', ' stroke-dasharray="9 3 2 3"',
                                 ' stroke-dasharray="12 4"', ' stroke-dasharray="4 2"'])[(k - 1) % 6 + 1]
       END;
COMMENT ON FUNCTION sqm.doc_palette(text, integer) IS
  'Internal: the colour (bar_fill, bar_edge, line) or dash attribute (dash) of series k';

-- The legend of a chart with several series, laid out in rows from (x0, y0)
-- to xmax: its SVG and its height.
CREATE FUNCTION sqm.doc_svg_legend(names text[], style text, x0 numeric, y0 numeric, xmax numeric,
                                      OUT svg text, OUT height numeric)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    x    numeric := x0;
    y    numeric := y0;
    sw   numeric := CASE WHEN style = 'line' THEN 28 ELSE 12 END;
    wid  numeric;
    k    integer;
BEGIN
    svg := '<g class="legend">';
    FOR k IN 1 .. coalesce(cardinality(names), 0) LOOP
        wid := sw + 6 + length(names[k]) * 0.6 * 11 + 20;
        IF x > x0 AND x + wid > xmax THEN
            x := x0;
            y := y + 18;
        END IF;
        IF style = 'line' THEN
            svg := svg || format('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2"%s/>',
                                 sqm.doc_n(x), sqm.doc_n(y), sqm.doc_n(x + sw), sqm.doc_n(y),
                                 sqm.doc_palette('line', k), sqm.doc_palette('dash', k))
                       || sqm.doc_svg_marker(k, x + sw / 2, y, sqm.doc_palette('line', k), 'class="legend-marker"', NULL);
        ELSE
            svg := svg || format('<rect x="%s" y="%s" width="12" height="12" fill="%s" stroke="%s" stroke-width="0.75"/>',
                                 sqm.doc_n(x), sqm.doc_n(y - 6), sqm.doc_palette('bar_fill', k), sqm.doc_palette('bar_edge', k));
        END IF;
        svg := svg || sqm.doc_svg_text(ARRAY[names[k]], x + sw + 6, y + 4, 'font-size="11" fill="#222222"');
        x := x + wid;
    END LOOP;
    svg := svg || '</g>';
    height := y - y0 + 20;
END
$$;
COMMENT ON FUNCTION sqm.doc_svg_legend(text[], text, numeric, numeric, numeric) IS
  'Internal: a chart legend (bar swatches or line samples with markers) in rows, and its height';

-- A chart block as inline SVG.  bar, bar_pair and line have categories along
-- the bottom (wrapped into at most three lines when they fit the slot, else
-- turned 45°); hbar has them on the left, wrapped, with the bars across.
CREATE FUNCTION sqm.doc_chart_svg(chart jsonb, lang text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
    kind      text := chart ->> 'kind';
    cats      text[];
    names     text[];
    vals      numeric[];        -- series k, category i at (k - 1) * n + i
    n         integer;
    s         integer;
    marks     integer;
    sc        numeric[];
    ticks     numeric[];
    integral  boolean;
    w         constant numeric := 680;
    cw        constant numeric := 0.6;    -- average glyph width, em
    fs        constant numeric := 11;     -- category labels
    fv        numeric := 10;              -- value labels
    lh        constant numeric := 13.2;   -- line height of category labels
    lft       numeric;
    rgt       numeric := 14;
    top       numeric;
    ph        numeric;                    -- plot height
    pw        numeric;                    -- plot width
    h         numeric;
    slot      numeric;
    legend    record;
    head      text := '';
    axis_h    numeric := 0;
    body      text := '';
    label     text;
    tip       text;
    aria      text;
    i         integer;
    k         integer;
    j         integer;
    v         numeric;
    x         numeric;
    y         numeric;
    x0        numeric;
    y0        numeric;
    bw        numeric;
    gw        numeric;
    rows_h    numeric[];
    lines     text[];
    wrapped   text[];               -- category labels, lines joined by newline
    maxchars  integer;
    rotate    boolean := false;
    maxlines  integer := 1;
    longest   integer;
    vlen      integer;
    ext       numeric;
    path      text;
    pen       boolean;
    lab_y     numeric[];
    lab_p     numeric[];
    lab_t     text[];
    lab_c     text[];
    t         numeric;
BEGIN
    SELECT array_agg(c.v #>> '{}' ORDER BY c.i) INTO cats
      FROM jsonb_array_elements(chart -> 'categories') WITH ORDINALITY AS c(v, i);
    SELECT array_agg(e.v ->> 'name' ORDER BY e.i) INTO names
      FROM jsonb_array_elements(chart -> 'series') WITH ORDINALITY AS e(v, i);
    SELECT array_agg(CASE WHEN jsonb_typeof(x.v) = 'number' THEN x.v::numeric END ORDER BY e.i, x.i) INTO vals
      FROM jsonb_array_elements(chart -> 'series') WITH ORDINALITY AS e(v, i)
      CROSS JOIN LATERAL jsonb_array_elements(e.v -> 'values') WITH ORDINALITY AS x(v, i);
    n := cardinality(cats);
    s := cardinality(names);
    SELECT count(u.v), coalesce(bool_and(u.v = trunc(u.v)), true), min(u.v), max(u.v),
           coalesce(max(length(sqm.doc_number(u.v, lang))), 1)
      INTO marks, integral, x0, y0, vlen
      FROM unnest(vals) AS u(v);
    sc := sqm.doc_nice_scale(x0, y0, integral);
    SELECT array_agg(g.t ORDER BY g.t) INTO ticks FROM generate_series(sc[1], sc[2], sc[3]) AS g(t);

    -- what a screen reader says: the kind, the title, and every figure
    SELECT string_agg(sqm.doc_escape_html(cats[c.i]) || ': '
                      || (SELECT string_agg(CASE WHEN s > 1 THEN sqm.doc_escape_html(names[q.k]) || ' ' ELSE '' END
                                            || sqm.doc_number(vals[(q.k - 1) * n + c.i], lang), ', ' ORDER BY q.k)
                            FROM generate_series(1, s) AS q(k)), '; ' ORDER BY c.i)
      INTO aria FROM generate_series(1, n) AS c(i);
    aria := sqm.doc_escape_html(sqm.doc_label(kind, lang)) || ': ' || sqm.doc_escape_html(chart ->> 'title') || '. ' || aria;

    -- the top: legend (several series), then the axis label
    top := 8;
    IF s > 1 THEN
        SELECT * INTO legend FROM sqm.doc_svg_legend(names, CASE WHEN kind = 'line' THEN 'line' ELSE 'bar' END, 12, 14, w - 12);
        head := head || legend.svg;
        top := top + legend.height;
    END IF;
    IF chart ? 'axis_label' THEN
        axis_h := 18;
        top := top + axis_h;
    END IF;

    IF kind = 'hbar' THEN
        -- category labels on the left, in up to 40 % of the width
        longest := (SELECT max(length(c)) FROM unnest(cats) AS c);
        maxchars := greatest(8, least(longest, floor(w * 0.4 / (cw * fs))::integer));
        lft := 0;
        rows_h := '{}';
        wrapped := '{}';
        FOR i IN 1 .. n LOOP
            lines := sqm.doc_wrap(cats[i], maxchars);
            wrapped := wrapped || array_to_string(lines, E'\n');
            lft := greatest(lft, (SELECT max(length(l)) FROM unnest(lines) AS l) * cw * fs);
            rows_h := rows_h || (greatest(cardinality(lines) * lh, s * 15 + (s - 1) * 2) + 12);
        END LOOP;
        lft := lft + 16;
        rgt := vlen * cw * fv + 14;
        pw := w - lft - rgt;
        ph := (SELECT sum(r) FROM unnest(rows_h) AS r);
        h := top + ph + 26;
        x0 := lft + pw * (0 - sc[1]) / (sc[2] - sc[1]);
        -- grid and the value axis below
        FOREACH t IN ARRAY ticks LOOP
            x := lft + pw * (t - sc[1]) / (sc[2] - sc[1]);
            body := body || format('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1" shape-rendering="crispEdges"/>',
                                   sqm.doc_n(x), sqm.doc_n(top), sqm.doc_n(x), sqm.doc_n(top + ph),
                                   CASE WHEN t = 0 THEN '#404040' ELSE '#dcdcdc' END)
                         || sqm.doc_svg_text(ARRAY[sqm.doc_number(t, lang)], x, top + ph + 16,
                                                'class="tick" font-size="10" fill="#555555" text-anchor="middle"');
        END LOOP;
        y := top;
        FOR i IN 1 .. n LOOP
            lines := string_to_array(wrapped[i], E'\n');
            body := body || sqm.doc_svg_text(lines, lft - 8, y + rows_h[i] / 2 - (cardinality(lines) - 1) * lh / 2 + 4,
                                                'class="category" font-size="11" fill="#222222" text-anchor="end"');
            FOR k IN 1 .. s LOOP
                v := vals[(k - 1) * n + i];
                y0 := y + rows_h[i] / 2 - (s * 15 + (s - 1) * 2) / 2 + (k - 1) * 17;
                IF v IS NULL THEN
                    body := body || sqm.doc_svg_text(ARRAY['–'], x0 + 4, y0 + 11.5, 'class="na" font-size="12" fill="#555555"');
                    CONTINUE;
                END IF;
                x := lft + pw * (v - sc[1]) / (sc[2] - sc[1]);
                tip := cats[i] || CASE WHEN s > 1 THEN ', ' || names[k] ELSE '' END || ': ' || sqm.doc_number(v, lang);
                body := body || format('<rect class="mark" x="%s" y="%s" width="%s" height="15" fill="%s" stroke="%s" stroke-width="0.75"><title>%s</title></rect>',
                                       sqm.doc_n(least(x, x0)), sqm.doc_n(y0), sqm.doc_n(greatest(abs(x - x0), 1)),
                                       sqm.doc_palette('bar_fill', k), sqm.doc_palette('bar_edge', k), sqm.doc_escape_html(tip))
                             || sqm.doc_svg_text(ARRAY[sqm.doc_number(v, lang)],
                                                    CASE WHEN v < 0 THEN least(x, x0) - 4 ELSE greatest(x, x0) + 4 END, y0 + 11,
                                                    'class="value" font-size="10" fill="#222222" text-anchor="'
                                                    || CASE WHEN v < 0 THEN 'end' ELSE 'start' END || '"');
            END LOOP;
            y := y + rows_h[i];
        END LOOP;
        IF chart ? 'axis_label' THEN
            head := head || sqm.doc_svg_text(ARRAY[chart ->> 'axis_label'], lft, top - 7,
                                                'class="axis-label" font-size="10.5" fill="#555555"');
        END IF;

    ELSE
        -- vertical: bar, bar_pair, line
        ph := CASE WHEN kind = 'line' THEN 230 ELSE 210 END;
        lft := greatest(36, (SELECT max(length(sqm.doc_number(t2, lang))) FROM unnest(ticks) AS t2) * cw * 10 + 14);
        top := top + 12;                  -- room for the value label of the highest bar
        slot := (w - lft - rgt) / n;
        maxchars := floor((slot - 6) / (cw * fs))::integer;
        wrapped := '{}';
        FOR i IN 1 .. n LOOP
            lines := sqm.doc_wrap(cats[i], greatest(maxchars, 1));
            wrapped := wrapped || array_to_string(lines, E'\n');
            IF maxchars < 3 OR cardinality(lines) > 3
               OR EXISTS (SELECT FROM unnest(lines) AS l WHERE length(l) > maxchars) THEN
                rotate := true;
            END IF;
            maxlines := greatest(maxlines, cardinality(lines));
        END LOOP;
        IF rotate THEN
            -- turned 45°, ending under the middle of their slot; the first ones
            -- may need a wider left margin
            FOR j IN 1 .. 2 LOOP
                slot := (w - lft - rgt) / n;
                FOR i IN 1 .. n LOOP
                    ext := length(cats[i]) * cw * fs * 0.7071 + 6;
                    lft := greatest(lft, ext - slot * (i - 0.5) + 4);
                END LOOP;
            END LOOP;
            slot := (w - lft - rgt) / n;
            longest := (SELECT max(length(c)) FROM unnest(cats) AS c);
            h := top + ph + 16 + longest * cw * fs * 0.7071 + fs;
        ELSE
            h := top + ph + 10 + maxlines * lh + 4;
        END IF;
        pw := w - lft - rgt;
        y0 := top + ph * (sc[2] - 0) / (sc[2] - sc[1]);
        -- grid and the value axis on the left
        FOREACH t IN ARRAY ticks LOOP
            y := top + ph * (sc[2] - t) / (sc[2] - sc[1]);
            body := body || format('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1" shape-rendering="crispEdges"/>',
                                   sqm.doc_n(lft), sqm.doc_n(y), sqm.doc_n(w - rgt), sqm.doc_n(y),
                                   CASE WHEN t = 0 THEN '#404040' ELSE '#dcdcdc' END)
                         || sqm.doc_svg_text(ARRAY[sqm.doc_number(t, lang)], lft - 6, y + 3.5,
                                                'class="tick" font-size="10" fill="#555555" text-anchor="end"');
        END LOOP;
        -- category labels
        FOR i IN 1 .. n LOOP
            x := lft + slot * (i - 0.5);
            IF rotate THEN
                body := body || sqm.doc_svg_text(ARRAY[cats[i]], x, top + ph + 14,
                                                    format('class="category" font-size="11" fill="#222222" text-anchor="end" transform="rotate(-45 %s %s)"',
                                                           sqm.doc_n(x), sqm.doc_n(top + ph + 14)));
            ELSE
                body := body || sqm.doc_svg_text(string_to_array(wrapped[i], E'\n'), x, top + ph + 16,
                                                    'class="category" font-size="11" fill="#222222" text-anchor="middle"');
            END IF;
        END LOOP;

        IF kind IN ('bar', 'bar_pair') THEN
            gw := least(slot * 0.74, s * 46);
            bw := gw / s;
            fv := greatest(7, least(10, floor(bw * 0.92 / (vlen * cw))));
            FOR i IN 1 .. n LOOP
                FOR k IN 1 .. s LOOP
                    v := vals[(k - 1) * n + i];
                    x := lft + slot * (i - 1) + (slot - gw) / 2 + bw * (k - 1) + bw * 0.04;
                    IF v IS NULL THEN
                        body := body || sqm.doc_svg_text(ARRAY['–'], x + bw * 0.46, y0 - 4,
                                                            'class="na" font-size="12" fill="#555555" text-anchor="middle"');
                        CONTINUE;
                    END IF;
                    y := top + ph * (sc[2] - v) / (sc[2] - sc[1]);
                    tip := cats[i] || CASE WHEN s > 1 THEN ', ' || names[k] ELSE '' END || ': ' || sqm.doc_number(v, lang);
                    body := body || format('<rect class="mark" x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="%s" stroke-width="0.75"><title>%s</title></rect>',
                                           sqm.doc_n(x), sqm.doc_n(CASE WHEN abs(y - y0) < 1 THEN y0 - 1 ELSE least(y, y0) END),
                                           sqm.doc_n(bw * 0.92), sqm.doc_n(greatest(abs(y - y0), 1)),
                                           sqm.doc_palette('bar_fill', k), sqm.doc_palette('bar_edge', k), sqm.doc_escape_html(tip))
                                 || sqm.doc_svg_text(ARRAY[sqm.doc_number(v, lang)], x + bw * 0.46,
                                                        CASE WHEN v < 0 THEN greatest(y, y0) + fv + 2 ELSE least(y, y0 - 1) - 3 END,
                                                        format('class="value" font-size="%s" fill="#222222" text-anchor="middle"', fv));
                END LOOP;
            END LOOP;
        ELSE
            -- line: one path per series, broken where a value is missing,
            -- a marker per value
            FOR k IN 1 .. s LOOP
                path := '';
                pen := false;
                FOR i IN 1 .. n LOOP
                    v := vals[(k - 1) * n + i];
                    IF v IS NULL THEN
                        pen := false;
                        CONTINUE;
                    END IF;
                    path := path || CASE WHEN pen THEN 'L' ELSE 'M' END
                                 || sqm.doc_n(lft + slot * (i - 0.5)) || ' ' || sqm.doc_n(top + ph * (sc[2] - v) / (sc[2] - sc[1]));
                    pen := true;
                END LOOP;
                IF path <> '' THEN
                    body := body || format('<path class="line" d="%s" fill="none" stroke="%s" stroke-width="2" stroke-linejoin="round"%s/>',
                                           path, sqm.doc_palette('line', k), sqm.doc_palette('dash', k));
                END IF;
            END LOOP;
            FOR k IN 1 .. s LOOP
                FOR i IN 1 .. n LOOP
                    v := vals[(k - 1) * n + i];
                    CONTINUE WHEN v IS NULL;
                    tip := cats[i] || CASE WHEN s > 1 THEN ', ' || names[k] ELSE '' END || ': ' || sqm.doc_number(v, lang);
                    body := body || sqm.doc_svg_marker(k, lft + slot * (i - 0.5), top + ph * (sc[2] - v) / (sc[2] - sc[1]),
                                                          sqm.doc_palette('line', k), 'class="mark"', tip);
                END LOOP;
            END LOOP;
            -- value labels per category, highest value first: the first above
            -- its point, the others below theirs, at least a line apart; when
            -- that column would reach the axis, all above their points,
            -- stacked upwards from the lowest.  Each in its series' colour,
            -- with a white halo to stay legible over the lines.
            FOR i IN 1 .. n LOOP
                x := lft + slot * (i - 0.5);
                lab_t := '{}';
                lab_c := '{}';
                lab_p := '{}';
                FOR k, v IN SELECT q.k, vals[(q.k - 1) * n + i] FROM generate_series(1, s) AS q(k)
                             WHERE vals[(q.k - 1) * n + i] IS NOT NULL
                             ORDER BY vals[(q.k - 1) * n + i] DESC, q.k LOOP
                    lab_p := lab_p || (top + ph * (sc[2] - v) / (sc[2] - sc[1]));
                    lab_t := lab_t || sqm.doc_number(v, lang);
                    lab_c := lab_c || sqm.doc_palette('line', k);
                END LOOP;
                CONTINUE WHEN cardinality(lab_p) = 0;
                lab_y := ARRAY[lab_p[1] - 9];
                FOR j IN 2 .. cardinality(lab_p) LOOP
                    lab_y := lab_y || greatest(lab_p[j] + 15, lab_y[j - 1] + 11);
                END LOOP;
                IF lab_y[cardinality(lab_y)] > top + ph - 3 THEN
                    lab_y := array_fill(NULL::numeric, ARRAY[cardinality(lab_p)]);
                    FOR j IN REVERSE cardinality(lab_p) .. 1 LOOP
                        lab_y[j] := CASE WHEN j = cardinality(lab_p) THEN lab_p[j] - 9 ELSE least(lab_p[j] - 9, lab_y[j + 1] - 11) END;
                    END LOOP;
                END IF;
                FOR j IN 1 .. cardinality(lab_y) LOOP
                    body := body || sqm.doc_svg_text(ARRAY[lab_t[j]], x, lab_y[j],
                                                        format('class="value" font-size="10" fill="%s" text-anchor="middle" stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"', lab_c[j]));
                END LOOP;
            END LOOP;
        END IF;
        IF chart ? 'axis_label' THEN
            head := head || sqm.doc_svg_text(ARRAY[chart ->> 'axis_label'], lft - 6, top - 16,
                                                'class="axis-label" font-size="10.5" fill="#555555"');
        END IF;
    END IF;

    IF marks = 0 THEN
        body := body || sqm.doc_svg_text(ARRAY[sqm.doc_label('no_rows', lang)], lft + (w - lft - rgt) / 2, top + 24,
                                            'class="na" font-size="12" fill="#666666" text-anchor="middle"');
    END IF;
    h := ceil(h);
    RETURN format('<svg class="chart" data-chart-kind="%s" data-expected-marks="%s" width="%s" height="%s" viewBox="0 0 %s %s" role="img" aria-label="%s">',
                  kind, marks, w, h, w, h, aria)
        || '<title>' || sqm.doc_escape_html(chart ->> 'title') || '</title>'
        || head || body || '</svg>';
END
$$;
COMMENT ON FUNCTION sqm.doc_chart_svg(jsonb, text) IS
  'Internal: a chart block as inline SVG (bar, bar_pair, hbar, line): nice axis, value labels, legend for several series, wrapped or turned category labels; class="mark" on every drawn value, data-expected-marks the number of non-null values';

-- ---------------------------------------------------------------------------
-- Tables.

-- The visible columns of a table block with their alignment: as given, else
-- right when no value of the column is a string (numbers and –), else left.
CREATE FUNCTION sqm.doc_columns(b jsonb)
RETURNS TABLE (ord bigint, key text, label text, align text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
SET jit = off
BEGIN ATOMIC
    SELECT c.i, c.col ->> 'key', c.col ->> 'label',
           coalesce(c.col ->> 'align',
                    CASE WHEN EXISTS (SELECT FROM jsonb_array_elements(coalesce(b -> 'rows', '[]')
                                                                       || CASE WHEN b ? 'total' THEN jsonb_build_array(b -> 'total') ELSE '[]' END) AS r(v)
                                       WHERE jsonb_typeof(r.v -> (c.col ->> 'key')) = 'string')
                         THEN 'left' ELSE 'right' END)
      FROM jsonb_array_elements(b -> 'columns') WITH ORDINALITY AS c(col, i)
     WHERE NOT coalesce((c.col ->> 'hidden')::boolean, false)
     ORDER BY c.i;
END;
COMMENT ON FUNCTION sqm.doc_columns(jsonb) IS
  'Internal: the visible columns of a table block in order, with their alignment (given, else right unless a value is a string)';

-- Whether a table shows "–" anywhere (then the table says what it means).
CREATE FUNCTION sqm.doc_has_missing(b jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
SET jit = off
BEGIN ATOMIC
    SELECT EXISTS (SELECT FROM jsonb_array_elements(coalesce(b -> 'rows', '[]')
                                                    || CASE WHEN b ? 'total' THEN jsonb_build_array(b -> 'total') ELSE '[]' END) AS r(v),
                               sqm.doc_columns(b) AS c
                    WHERE coalesce(jsonb_typeof(r.v -> c.key), 'null') = 'null');
END;
COMMENT ON FUNCTION sqm.doc_has_missing(jsonb) IS 'Internal: whether a visible cell of a table block is null or missing (shown as –)';

-- A chart's figures as a table block: the categories down, one column per
-- series.  Markdown shows a chart so.
CREATE FUNCTION sqm.doc_chart_table(chart jsonb, lang text) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
SET jit = off
BEGIN ATOMIC
    SELECT jsonb_strip_nulls(jsonb_build_object(
               'type', 'table',
               'caption', chart ->> 'title',
               'columns', jsonb_build_array(jsonb_build_object('key', 'category', 'align', 'left',
                                                               'label', coalesce(chart ->> 'category_label', sqm.doc_label('category', lang))))
                          || (SELECT jsonb_agg(jsonb_build_object('key', 's' || e.i, 'label', e.v ->> 'name', 'align', 'right') ORDER BY e.i)
                                FROM jsonb_array_elements(chart -> 'series') WITH ORDINALITY AS e(v, i)),
               'rows', (SELECT jsonb_agg((SELECT jsonb_object_agg('s' || e.i, e.v -> 'values' -> (c.i::integer - 1))
                                            FROM jsonb_array_elements(chart -> 'series') WITH ORDINALITY AS e(v, i))
                                         || jsonb_build_object('category', c.v #>> '{}') ORDER BY c.i)
                          FROM jsonb_array_elements(chart -> 'categories') WITH ORDINALITY AS c(v, i)),
               'source', chart -> 'source'))
        || CASE WHEN chart ? 'notes' THEN jsonb_build_object('notes', chart -> 'notes') ELSE '{}' END;
END;
COMMENT ON FUNCTION sqm.doc_chart_table(jsonb, text) IS
  'Internal: a chart block as a table block (categories down, one column per series; null values stay null)';

CREATE FUNCTION sqm.doc_html_table(b jsonb, lang text, no bigint, anchor text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
SET jit = off
BEGIN ATOMIC
    WITH cols AS (SELECT * FROM sqm.doc_columns(b)),
    first AS (SELECT min(ord) AS ord FROM cols),
    cell AS (
        SELECT r.i, string_agg(format('<%s class="a-%s%s"%s>%s</%1$s>',
                                      CASE WHEN c.ord = f.ord THEN 'th' ELSE 'td' END, c.align,
                                      CASE WHEN coalesce(jsonb_typeof(r.v -> c.key), 'null') = 'null' THEN ' na' ELSE '' END,
                                      CASE WHEN c.ord = f.ord THEN ' scope="row"' ELSE '' END,
                                      sqm.doc_escape_html(sqm.doc_value(r.v -> c.key, lang))), '' ORDER BY c.ord) AS tr
          FROM jsonb_array_elements(coalesce(b -> 'rows', '[]')) WITH ORDINALITY AS r(v, i)
          CROSS JOIN cols c CROSS JOIN first f
         GROUP BY r.i)
    SELECT format('<div class="block table-block" id="%s">', sqm.doc_escape_html(anchor))
        || '<table class="data"><caption><span class="label">' || sqm.doc_label('table', lang) || ' ' || no || '.</span> '
        || sqm.doc_escape_html(b ->> 'caption') || '</caption>'
        || '<thead><tr>' || (SELECT string_agg(format('<th scope="col" class="a-%s">%s</th>', c.align, sqm.doc_escape_html(c.label)), '' ORDER BY c.ord) FROM cols c)
        || '</tr></thead><tbody>'
        || coalesce((SELECT string_agg('<tr>' || cell.tr || '</tr>', E'\n' ORDER BY cell.i) FROM cell),
                    format('<tr><td class="empty" colspan="%s">%s</td></tr>', (SELECT count(*) FROM cols), sqm.doc_label('no_rows', lang)))
        || '</tbody>'
        || CASE WHEN b ? 'total' THEN
                '<tfoot><tr>' || (SELECT string_agg(format('<%s class="a-%s"%s>%s</%1$s>',
                                                           CASE WHEN c.ord = f.ord THEN 'th' ELSE 'td' END, c.align,
                                                           CASE WHEN c.ord = f.ord THEN ' scope="row"' ELSE '' END,
                                                           sqm.doc_escape_html(sqm.doc_value(b -> 'total' -> c.key, lang))), '' ORDER BY c.ord)
                                    FROM cols c CROSS JOIN first f) || '</tr></tfoot>'
           ELSE '' END
        || '</table>'
        || coalesce((SELECT string_agg('<p class="note"><span class="label">' || sqm.doc_label('note', lang) || '</span> '
                                       || sqm.doc_escape_html(regexp_replace(n.t, '\s+', ' ', 'g')) || '</p>', '' ORDER BY n.i)
                       FROM jsonb_array_elements_text(coalesce(b -> 'notes', '[]')) WITH ORDINALITY AS n(t, i)), '')
        || CASE WHEN sqm.doc_has_missing(b) THEN '<p class="note">' || sqm.doc_label('no_figure', lang) || '</p>' ELSE '' END
        || CASE WHEN b ? 'source' THEN '<p class="source">' || sqm.doc_label('source', lang) || ' ' || sqm.doc_escape_html(b ->> 'source') || '</p>' ELSE '' END
        || '</div>';
END;
COMMENT ON FUNCTION sqm.doc_html_table(jsonb, text, bigint, text) IS
  'Internal: a table block as HTML: numbered caption, header, rows (first column as row headers), total row in tfoot, notes, the meaning of –, source';

CREATE FUNCTION sqm.doc_md_table(b jsonb, lang text, label text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
SET jit = off
BEGIN ATOMIC
    WITH cols AS (SELECT * FROM sqm.doc_columns(b))
    SELECT '**' || sqm.doc_escape_md(label || ' ' || (b ->> 'caption')) || '**' || E'\n\n'
        || '|' || (SELECT string_agg(' ' || sqm.doc_escape_md(c.label) || ' |', '' ORDER BY c.ord) FROM cols c) || E'\n'
        || '|' || (SELECT string_agg(CASE c.align WHEN 'right' THEN ' ---: |' WHEN 'center' THEN ' :---: |' ELSE ' :--- |' END, '' ORDER BY c.ord)
                     FROM cols c) || E'\n'
        || coalesce((SELECT string_agg('|' || (SELECT string_agg(' ' || sqm.doc_escape_md(sqm.doc_value(r.v -> c.key, lang)) || ' |', '' ORDER BY c.ord)
                                               FROM cols c) || E'\n', '' ORDER BY r.i)
                       FROM jsonb_array_elements(coalesce(b -> 'rows', '[]')) WITH ORDINALITY AS r(v, i)), '')
        || CASE WHEN b ? 'total' THEN
                '|' || (SELECT string_agg(' ' || CASE WHEN sqm.doc_escape_md(sqm.doc_value(b -> 'total' -> c.key, lang)) = '' THEN ''
                                                      ELSE '**' || sqm.doc_escape_md(sqm.doc_value(b -> 'total' -> c.key, lang)) || '**' END || ' |',
                                          '' ORDER BY c.ord) FROM cols c) || E'\n'
           ELSE '' END
        || CASE WHEN jsonb_array_length(coalesce(b -> 'rows', '[]')) = 0 AND NOT b ? 'total'
                THEN E'\n*' || sqm.doc_label('no_rows', lang) || E'*\n' ELSE '' END
        || coalesce((SELECT string_agg(E'\n*' || sqm.doc_escape_md(sqm.doc_label('note', lang)) || '* ' || sqm.doc_escape_md(n.t) || E'\n', '' ORDER BY n.i)
                       FROM jsonb_array_elements_text(coalesce(b -> 'notes', '[]')) WITH ORDINALITY AS n(t, i)), '')
        || CASE WHEN sqm.doc_has_missing(b) THEN E'\n' || sqm.doc_escape_md(sqm.doc_label('no_figure', lang)) || E'\n' ELSE '' END
        || CASE WHEN b ? 'source' THEN E'\n*' || sqm.doc_escape_md(sqm.doc_label('source', lang)) || '* ' || sqm.doc_escape_md(b ->> 'source') || E'\n' ELSE '' END;
END;
COMMENT ON FUNCTION sqm.doc_md_table(jsonb, text, text) IS
  'Internal: a table block as a GitHub-style pipe table under its bold caption (label, e.g. "Tabell 3."), total row in bold, notes, the meaning of –, source';

-- ---------------------------------------------------------------------------
-- The page's style and script.  Both are ASCII and covered by the page's
-- content security policy by their SHA-256, so nothing else — no injected
-- script, no external style, font or image — would run or load.

CREATE FUNCTION sqm.doc_css(lang text, title text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN $css$
:root { --sqm-css: 1; --ink: #1b1b1b; --muted: #5a5a5a; --rule: #c8c8c8; --accent: #1f4e79; --band: #f3f5f8; }
html { font-family: "Liberation Sans", Arial, "Helvetica Neue", Helvetica, "DejaVu Sans", sans-serif; color: var(--ink); background: #ffffff; -webkit-text-size-adjust: 100%; }
body { max-width: 48rem; margin: 2.5rem auto 4rem; padding: 0 1.5rem; font-size: 15px; line-height: 1.55; }
header.doc-header { margin-bottom: 2rem; }
h1 { font-size: 2rem; line-height: 1.2; font-weight: 700; color: var(--accent); margin: 0 0 .35rem; }
.subtitle { font-size: 1.15rem; color: var(--muted); margin: 0 0 1.4rem; }
table.meta { border-collapse: collapse; width: 100%; border-top: 2px solid var(--accent); border-bottom: 1px solid var(--rule); font-size: .92rem; }
table.meta th, table.meta td { text-align: left; vertical-align: top; padding: .32rem .6rem .32rem 0; border-bottom: 1px solid #e6e6e6; }
table.meta th { font-weight: 600; color: var(--muted); width: 34%; }
nav.toc { margin: 2rem 0 2.5rem; }
nav.toc h2 { border: none; font-size: 1.1rem; margin: 0 0 .5rem; padding: 0; color: var(--ink); }
nav.toc ol { list-style: none; margin: 0; padding: 0; }
nav.toc ol ol { padding-left: 2.2em; font-size: .95em; }
nav.toc li { margin: .15rem 0; }
nav.toc a { color: inherit; text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
nav.toc .num { display: inline-block; min-width: 2.2em; color: var(--muted); font-variant-numeric: tabular-nums; }
h2, h3, h4, h5 { line-height: 1.25; break-after: avoid; page-break-after: avoid; }
h2 { font-size: 1.45rem; color: var(--accent); margin: 2.6rem 0 .8rem; padding-bottom: .25rem; border-bottom: 1px solid var(--rule); }
h3 { font-size: 1.18rem; margin: 2rem 0 .6rem; }
h4 { font-size: 1.02rem; margin: 1.6rem 0 .5rem; }
h5 { font-size: .95rem; margin: 1.4rem 0 .4rem; }
h2 .num, h3 .num, h4 .num, h5 .num { margin-right: .55em; font-variant-numeric: tabular-nums; }
p { margin: 0 0 .75rem; }
.block { margin: 1.4rem 0 1.8rem; }
table.data { border-collapse: collapse; min-width: 66%; max-width: 100%; font-size: .92rem; font-variant-numeric: tabular-nums lining-nums; }
table.data caption { caption-side: top; text-align: left; font-weight: 600; padding: 0 0 .45rem; }
table.data th, table.data td { padding: .28rem .8rem .28rem 0; border-bottom: 1px solid #e4e4e4; vertical-align: top; }
table.data th + th, table.data th + td, table.data td + td { padding-left: .8rem; }
table.data thead th { font-weight: 600; border-bottom: 1.5px solid var(--ink); vertical-align: bottom; }
table.data tbody th { font-weight: 400; }
table.data tbody tr:nth-child(even) { background: var(--band); }
table.data tfoot th, table.data tfoot td { font-weight: 700; border-top: 1.5px solid var(--ink); border-bottom: none; }
.a-left { text-align: left; }
.a-right { text-align: right; }
.a-center { text-align: center; }
td.na { color: var(--muted); }
td.empty { color: var(--muted); font-style: italic; }
.label { font-weight: 600; }
p.note, p.source { font-size: .84rem; color: var(--muted); margin: .35rem 0 0; max-width: 40rem; }
p.source { font-style: italic; }
figure.chart-block { margin-left: 0; margin-right: 0; }
figure.chart-block figcaption { font-weight: 600; margin-bottom: .5rem; }
svg.chart { display: block; width: 100%; max-width: 680px; height: auto; font-family: inherit; overflow: visible; }
.analysis { margin: 1.4rem 0 1.8rem; padding: .2rem 0 .1rem 1rem; border-left: 3px solid var(--accent); }
.analysis .analysis-label { font-weight: 600; margin-bottom: .35rem; }
.text-block p { max-width: 42rem; }
footer.doc-footer { margin-top: 3rem; padding-top: .5rem; border-top: 1px solid var(--rule); font-size: .8rem; color: var(--muted); }
@media print {
  @page { size: A4; margin: 20mm 18mm 20mm 20mm;
          @top-left { content: $css$ || sqm.doc_css_string(title) || $css$; font-family: "Liberation Sans", Arial, "DejaVu Sans", sans-serif; font-size: 8pt; color: #5a5a5a; }
          @bottom-right { content: $css$ || sqm.doc_css_string(sqm.doc_label('page', lang)) || $css$ counter(page) $css$
                                         || sqm.doc_css_string(sqm.doc_label('page_of', lang)) || $css$ counter(pages); font-family: "Liberation Sans", Arial, "DejaVu Sans", sans-serif; font-size: 8pt; color: #5a5a5a; } }
  @page :first { @top-left { content: none; } }
  html { font-size: 10pt; }
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; line-height: 1.45; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
  nav.toc { break-after: page; page-break-after: always; }
  h2 { margin-top: 1.6rem; }
  .block, table.data, figure.chart-block, .analysis, table.meta { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  tr, svg.chart { break-inside: avoid; page-break-inside: avoid; }
  svg.chart { max-width: 100%; }
}
$css$;
COMMENT ON FUNCTION sqm.doc_css(text, text) IS
  'Internal: the page''s style sheet: screen and print (A4 margins, running title and page numbers, tables and charts kept whole, grey-scale-safe)';

CREATE FUNCTION sqm.doc_script() RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN $js$
(function () {
  "use strict";
  function measureCharts() {
    var charts = document.querySelectorAll("svg.chart");
    for (var i = 0; i < charts.length; i++) {
      var c = charts[i], box = c.getBoundingClientRect(), marks = c.querySelectorAll(".mark"), n = 0;
      for (var j = 0; j < marks.length; j++) {
        var b = marks[j].getBoundingClientRect();
        if (b.width > 0 && b.height > 0) { n++; }
      }
      c.setAttribute("data-rendered-width", box.width.toFixed(1));
      c.setAttribute("data-rendered-height", box.height.toFixed(1));
      c.setAttribute("data-marks", String(n));
    }
    var root = document.documentElement;
    root.setAttribute("data-charts-measured", String(charts.length));
    root.setAttribute("data-styled", getComputedStyle(root).getPropertyValue("--sqm-css").trim() === "1" ? "yes" : "no");
    root.setAttribute("data-page-height", String(Math.ceil(root.scrollHeight)));
  }
  if (document.readyState === "complete") { measureCharts(); } else { window.addEventListener("load", measureCharts); }
})();
$js$;
COMMENT ON FUNCTION sqm.doc_script() IS
  'Internal: the page''s script: after load, writes each chart''s rendered box (data-rendered-width/-height) and the number of its marks with a non-empty box (data-marks)';

-- ---------------------------------------------------------------------------
-- The renderers.

CREATE FUNCTION sqm.render_markdown(doc jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
    lang      text;
    numbered  boolean;
    out       text;
    body      text;
BEGIN
    PERFORM sqm.validate_report(doc);
    lang := coalesce(doc ->> 'lang', 'sv');
    numbered := coalesce((doc ->> 'numbered')::boolean, true);
    out := '# ' || sqm.doc_escape_md(doc ->> 'title') || E'\n';
    IF doc ? 'subtitle' THEN
        out := out || E'\n*' || sqm.doc_escape_md(doc ->> 'subtitle') || E'*\n';
    END IF;
    IF jsonb_array_length(coalesce(doc -> 'metadata', '[]')) > 0 THEN
        out := out || E'\n' || (SELECT string_agg('- **' || sqm.doc_escape_md(m.v ->> 'label') || ':** '
                                                  || sqm.doc_escape_md(sqm.doc_value(m.v -> 'value', lang)), E'\n' ORDER BY m.i)
                                  FROM jsonb_array_elements(doc -> 'metadata') WITH ORDINALITY AS m(v, i)) || E'\n';
    END IF;
    SELECT string_agg(
             E'\n' || CASE o.item
                WHEN 'section' THEN
                    repeat('#', o.depth + 1) || ' ' || CASE WHEN numbered THEN o.number || ' ' ELSE '' END
                    || sqm.doc_escape_md(o.obj ->> 'title') || E'\n'
                WHEN 'analysis' THEN
                    '**' || sqm.doc_label('analysis', lang) || E'**\n\n'
                    || (SELECT string_agg(sqm.doc_escape_md(p.t), E'\n\n' ORDER BY p.i)
                          FROM jsonb_array_elements_text(o.obj) WITH ORDINALITY AS p(t, i) WHERE btrim(p.t) <> '') || E'\n'
                ELSE CASE o.obj ->> 'type'
                    WHEN 'text' THEN
                        (SELECT string_agg(sqm.doc_escape_md(p.t), E'\n\n' ORDER BY p.i)
                           FROM jsonb_array_elements_text(o.obj -> 'paragraphs') WITH ORDINALITY AS p(t, i) WHERE btrim(p.t) <> '') || E'\n'
                    WHEN 'table' THEN
                        sqm.doc_md_table(o.obj, lang, sqm.doc_label('table', lang) || ' ' || o.table_no || '.')
                    ELSE
                        sqm.doc_md_table(sqm.doc_chart_table(o.obj, lang), lang, sqm.doc_label('figure', lang) || ' ' || o.figure_no || '.')
                    END
                END, '' ORDER BY o.ord)
      INTO body
      FROM sqm.doc_outline(doc) o;
    out := out || coalesce(body, '');
    IF doc ? 'generated_at' THEN
        out := out || E'\n---\n\n*' || sqm.doc_escape_md(sqm.doc_label('generated', lang) || ' ' || (doc ->> 'generated_at')) || E'*\n';
    END IF;
    RETURN out;
END
$$;
COMMENT ON FUNCTION sqm.render_markdown(jsonb) IS
  'The report document (doc/report.md) as Markdown: headings numbered 1, 1.1 …, metadata as a list, GitHub-style pipe tables with escaped text, notes, and each chart as its figures in a table under the chart''s title. Validates first (22023)';

CREATE FUNCTION sqm.render_html(doc jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
    lang      text;
    numbered  boolean;
    css       text;
    js        text;
    head      text;
    toc       text := '';
    body      text;
BEGIN
    PERFORM sqm.validate_report(doc);
    lang := coalesce(doc ->> 'lang', 'sv');
    numbered := coalesce((doc ->> 'numbered')::boolean, true);
    css := sqm.doc_css(lang, doc ->> 'title');
    js := sqm.doc_script();

    head := '<header class="doc-header"><h1>' || sqm.doc_escape_html(doc ->> 'title') || '</h1>'
         || CASE WHEN doc ? 'subtitle' THEN '<p class="subtitle">' || sqm.doc_escape_html(doc ->> 'subtitle') || '</p>' ELSE '' END
         || coalesce((SELECT format('<table class="meta" aria-label="%s"><tbody>', sqm.doc_label('document_details', lang))
                             || string_agg(format('<tr%s><th scope="row">%s</th><td>%s</td></tr>',
                                                  CASE WHEN m.v ? 'key' THEN format(' data-key="%s"', sqm.doc_escape_html(m.v ->> 'key')) ELSE '' END,
                                                  sqm.doc_escape_html(m.v ->> 'label'), sqm.doc_escape_html(sqm.doc_value(m.v -> 'value', lang))), '' ORDER BY m.i)
                             || '</tbody></table>'
                        FROM jsonb_array_elements(coalesce(doc -> 'metadata', '[]')) WITH ORDINALITY AS m(v, i)
                      HAVING count(*) > 0), '')
         || '</header>';

    IF coalesce((doc ->> 'toc')::boolean, true) THEN
        SELECT '<nav class="toc" aria-labelledby="sqm-toc"><h2 id="sqm-toc">' || sqm.doc_label('contents', lang) || '</h2><ol>'
               || string_agg(format('<li><a href="#%s">%s%s</a>%s</li>', sqm.doc_escape_html(t.anchor),
                                    CASE WHEN numbered THEN '<span class="num">' || t.number || '</span>' ELSE '' END,
                                    sqm.doc_escape_html(t.obj ->> 'title'),
                                    coalesce((SELECT '<ol>' || string_agg(format('<li><a href="#%s">%s%s</a></li>', sqm.doc_escape_html(u.anchor),
                                                                                 CASE WHEN numbered THEN '<span class="num">' || u.number || '</span>' ELSE '' END,
                                                                                 sqm.doc_escape_html(u.obj ->> 'title')), '' ORDER BY u.ord) || '</ol>'
                                                FROM sqm.doc_outline(doc) u
                                               WHERE u.item = 'section' AND u.depth = 2 AND u.parent = t.number), '')), E'\n' ORDER BY t.ord)
               || '</ol></nav>'
          INTO toc
          FROM sqm.doc_outline(doc) t
         WHERE t.item = 'section' AND t.depth = 1;
        toc := coalesce(toc, '');
    END IF;

    SELECT string_agg(
             CASE o.item
                WHEN 'section' THEN
                    format('<h%s id="%s">%s%s</h%1$s>', o.depth + 1, sqm.doc_escape_html(o.anchor),
                           CASE WHEN numbered THEN '<span class="num">' || o.number || '</span>' ELSE '' END,
                           sqm.doc_escape_html(o.obj ->> 'title'))
                WHEN 'analysis' THEN
                    '<div class="analysis"><p class="analysis-label">' || sqm.doc_label('analysis', lang) || '</p>'
                    || coalesce((SELECT string_agg('<p>' || sqm.doc_escape_html(regexp_replace(btrim(p.t), '\s+', ' ', 'g')) || '</p>', '' ORDER BY p.i)
                                   FROM jsonb_array_elements_text(o.obj) WITH ORDINALITY AS p(t, i) WHERE btrim(p.t) <> ''), '')
                    || '</div>'
                ELSE CASE o.obj ->> 'type'
                    WHEN 'text' THEN
                        '<div class="block text-block"' || CASE WHEN o.anchor IS NULL THEN '' ELSE format(' id="%s"', sqm.doc_escape_html(o.anchor)) END || '>'
                        || coalesce((SELECT string_agg('<p>' || sqm.doc_escape_html(regexp_replace(btrim(p.t), '\s+', ' ', 'g')) || '</p>', '' ORDER BY p.i)
                                       FROM jsonb_array_elements_text(o.obj -> 'paragraphs') WITH ORDINALITY AS p(t, i) WHERE btrim(p.t) <> ''), '')
                        || '</div>'
                    WHEN 'table' THEN
                        sqm.doc_html_table(o.obj, lang, o.table_no, o.anchor)
                    ELSE
                        format('<figure class="block chart-block" id="%s">', sqm.doc_escape_html(o.anchor))
                        || '<figcaption><span class="label">' || sqm.doc_label('figure', lang) || ' ' || o.figure_no || '.</span> '
                        || sqm.doc_escape_html(o.obj ->> 'title') || '</figcaption>'
                        || sqm.doc_chart_svg(o.obj, lang)
                        || coalesce((SELECT string_agg('<p class="note"><span class="label">' || sqm.doc_label('note', lang) || '</span> '
                                                       || sqm.doc_escape_html(regexp_replace(n.t, '\s+', ' ', 'g')) || '</p>', '' ORDER BY n.i)
                                       FROM jsonb_array_elements_text(coalesce(o.obj -> 'notes', '[]')) WITH ORDINALITY AS n(t, i)), '')
                        || CASE WHEN o.obj ->> 'kind' <> 'line' AND jsonb_path_exists(o.obj, '$.series[*].values[*] ? (@ == null)')
                                THEN '<p class="note">' || sqm.doc_label('no_figure', lang) || '</p>' ELSE '' END
                        || CASE WHEN o.obj ? 'source' THEN '<p class="source">' || sqm.doc_label('source', lang) || ' '
                                                            || sqm.doc_escape_html(o.obj ->> 'source') || '</p>' ELSE '' END
                        || '</figure>'
                    END
                END, E'\n' ORDER BY o.ord)
      INTO body
      FROM sqm.doc_outline(doc) o;

    RETURN '<!DOCTYPE html>' || E'\n'
        || format('<html lang="%s">', lang) || E'\n'
        || '<head>' || E'\n'
        || '<meta charset="utf-8">' || E'\n'
        || format('<meta http-equiv="Content-Security-Policy" content="default-src ''none''; style-src ''sha256-%s''; script-src ''sha256-%s''; base-uri ''none''; form-action ''none''">',
                  encode(sha256(convert_to(css, 'UTF8')), 'base64'), encode(sha256(convert_to(js, 'UTF8')), 'base64')) || E'\n'
        || '<meta name="viewport" content="width=device-width, initial-scale=1">' || E'\n'
        || '<meta name="generator" content="sqm">' || E'\n'
        || '<title>' || sqm.doc_escape_html(doc ->> 'title') || '</title>' || E'\n'
        || '<style>' || css || '</style>' || E'\n'
        || '</head>' || E'\n'
        || '<body>' || E'\n'
        || head || E'\n'
        || toc || E'\n'
        || '<main>' || E'\n' || coalesce(body, '') || E'\n</main>' || E'\n'
        || CASE WHEN doc ? 'generated_at' THEN '<footer class="doc-footer"><p>' || sqm.doc_label('generated', lang) || ' '
                                               || sqm.doc_escape_html(doc ->> 'generated_at') || '</p></footer>' || E'\n' ELSE '' END
        || '<script>' || js || '</script>' || E'\n'
        || '</body>' || E'\n'
        || '</html>' || E'\n';
END
$$;
COMMENT ON FUNCTION sqm.render_html(jsonb) IS
  'The report document (doc/report.md) as one self-contained HTML5 page: inline style for screen and A4 print, inline SVG charts (class="mark" on every value drawn, data-expected-marks), a script that records each chart''s rendered box and marks, a content security policy admitting nothing but its own style and script; all text escaped. Validates first (22023)';

-- ---------------------------------------------------------------------------
-- Privileges: none for PUBLIC; the roles that read statistics may check and
-- render documents.  The renderers are SECURITY INVOKER, so they call the
-- helpers with the caller's privileges: the helpers are granted too.

REVOKE ALL ON FUNCTION
    sqm.doc_label(text, text), sqm.doc_escape_html(text), sqm.doc_escape_md(text), sqm.doc_number(numeric, text),
    sqm.doc_value(jsonb, text), sqm.doc_n(numeric), sqm.doc_css_string(text),
    sqm.doc_fail(text, text, text, text), sqm.doc_is_text(jsonb), sqm.doc_quote(text), sqm.doc_found(jsonb),
    sqm.doc_check_keys(jsonb, text[], text, text, text), sqm.doc_check_strings(jsonb, text, text, text, boolean),
    sqm.doc_check_string(jsonb, text, text, text), sqm.doc_check_id(jsonb, text, text),
    sqm.doc_check_cells(jsonb, text[], text, text, text), sqm.doc_check_block(jsonb, text, text),
    sqm.doc_check_section(jsonb, text, text, integer), sqm.doc_outline(jsonb), sqm.validate_report(jsonb),
    sqm.doc_nice_scale(numeric, numeric, boolean), sqm.doc_wrap(text, integer),
    sqm.doc_svg_text(text[], numeric, numeric, text), sqm.doc_svg_marker(integer, numeric, numeric, text, text, text),
    sqm.doc_palette(text, integer), sqm.doc_svg_legend(text[], text, numeric, numeric, numeric),
    sqm.doc_chart_svg(jsonb, text), sqm.doc_columns(jsonb), sqm.doc_has_missing(jsonb),
    sqm.doc_chart_table(jsonb, text), sqm.doc_html_table(jsonb, text, bigint, text),
    sqm.doc_md_table(jsonb, text, text), sqm.doc_css(text, text), sqm.doc_script(),
    sqm.render_markdown(jsonb), sqm.render_html(jsonb)
FROM PUBLIC;

SELECT sqm.grant_privilege('core', 'EXECUTE ON FUNCTION sqm.validate_report(jsonb), sqm.render_markdown(jsonb), sqm.render_html(jsonb),
    sqm.doc_label(text, text), sqm.doc_escape_html(text), sqm.doc_escape_md(text), sqm.doc_number(numeric, text),
    sqm.doc_value(jsonb, text), sqm.doc_n(numeric), sqm.doc_css_string(text),
    sqm.doc_fail(text, text, text, text), sqm.doc_is_text(jsonb), sqm.doc_quote(text), sqm.doc_found(jsonb),
    sqm.doc_check_keys(jsonb, text[], text, text, text), sqm.doc_check_strings(jsonb, text, text, text, boolean),
    sqm.doc_check_string(jsonb, text, text, text), sqm.doc_check_id(jsonb, text, text),
    sqm.doc_check_cells(jsonb, text[], text, text, text), sqm.doc_check_block(jsonb, text, text),
    sqm.doc_check_section(jsonb, text, text, integer), sqm.doc_outline(jsonb),
    sqm.doc_nice_scale(numeric, numeric, boolean), sqm.doc_wrap(text, integer),
    sqm.doc_svg_text(text[], numeric, numeric, text), sqm.doc_svg_marker(integer, numeric, numeric, text, text, text),
    sqm.doc_palette(text, integer), sqm.doc_svg_legend(text[], text, numeric, numeric, numeric),
    sqm.doc_chart_svg(jsonb, text), sqm.doc_columns(jsonb), sqm.doc_has_missing(jsonb),
    sqm.doc_chart_table(jsonb, text), sqm.doc_html_table(jsonb, text, bigint, text),
    sqm.doc_md_table(jsonb, text, text), sqm.doc_css(text, text), sqm.doc_script()', '{readers}');
