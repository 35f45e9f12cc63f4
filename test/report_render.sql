-- The report document model and its renderers (doc/report.md): every
-- validation condition broken on its own, escaping, "–" for no figure and no
-- mark, the numbers of a table in both outputs, marks per chart, the fixed
-- labels of both languages, a page that loads nothing, privileges.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(147);

-- A valid document using every part of the model; each validation test
-- breaks it in exactly one place.
CREATE FUNCTION pg_temp.base() RETURNS jsonb LANGUAGE sql AS $$
SELECT '{
  "model_version": 1,
  "title": "Kvalitetsberättelse 2025",
  "subtitle": "Socialnämnden",
  "lang": "sv",
  "metadata": [
    {"key": "deciding_body", "label": "Beslutande organ", "value": "Socialnämnden"},
    {"key": "decision", "label": "Beslutsdatum och paragraf", "value": null},
    {"label": "Diarienummer", "value": "SN 2026/012"}
  ],
  "generated_at": "2026-01-15",
  "sections": [
    {"id": "avvikelser", "title": "Avvikelser",
     "blocks": [
       {"type": "text", "paragraphs": ["Avvikelser räknas efter rapportdatum.", "Andra stycket."]},
       {"type": "table", "caption": "Avvikelser per enhet",
        "columns": [{"key": "unit", "label": "Enhet"}, {"key": "reports", "label": "2025"},
                    {"key": "previous", "label": "2024"}, {"key": "unit_id", "label": "Id", "hidden": true}],
        "rows": [{"unit": "Boende", "reports": 31, "previous": 7, "unit_id": 901},
                 {"unit": "Vägledning och integration", "reports": 16, "previous": null, "unit_id": 902},
                 {"unit": "Familjestöd", "previous": 1},
                 {"unit": "Stora enheten", "reports": 12345, "previous": 1234.5}],
        "total": {"unit": "Totalt", "reports": 12392, "previous": 1242.5},
        "notes": ["En utredning räknas en gång per enhet."],
        "source": "sqm.deviations_per_unit"},
       {"type": "chart", "kind": "bar_pair", "title": "Avvikelser per enhet 2025 och 2024",
        "categories": ["Boende", "Vägledning och integration", "Familjestöd"],
        "series": [{"name": "2025", "values": [31, 16, null]}, {"name": "2024", "values": [7, null, 1]}]},
       {"type": "chart", "kind": "hbar", "title": "Avvikelser per typ",
        "categories": ["Brister i informationsöverföring", "Brister i fysisk miljö/teknik"],
        "series": [{"name": "2025", "values": [40, 12]}]}
     ],
     "analysis": ["Antalet ökade."],
     "sections": [
       {"title": "Hälso- och sjukvård",
        "blocks": [{"type": "chart", "kind": "bar", "title": "HSL 2024", "axis_label": "Antal",
                    "categories": ["Läkemedel", "Fall utan skada", "Fall med skada"],
                    "series": [{"name": "2024", "values": [1, 0, 2]}]}]}
     ]},
    {"title": "Utveckling över tid",
     "blocks": [{"type": "chart", "kind": "line", "title": "Per år", "category_label": "År",
                 "categories": ["2022", "2023", "2024", "2025"],
                 "series": [{"name": "Avvikelser", "values": [37, 40, 93, 121]},
                            {"name": "Lex Sarah", "values": [null, 6, 20, 33]}]}]}
  ]
}'::jsonb
$$;

-- 'ok', or the SQLSTATE and message the validation raised; err_full adds
-- detail and hint.
CREATE FUNCTION pg_temp.err(doc jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; m text;
BEGIN
    PERFORM sqm.validate_report(doc);
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, m = MESSAGE_TEXT;
    RETURN st || ' ' || m;
END $$;
CREATE FUNCTION pg_temp.err_full(doc jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; m text; d text; h text;
BEGIN
    PERFORM sqm.validate_report(doc);
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT;
    RETURN st || ' ' || m || ' | ' || d || ' | ' || h;
END $$;
-- the SVG of every chart of a page, in order
CREATE FUNCTION pg_temp.charts(html text) RETURNS TABLE (i bigint, svg text) LANGUAGE sql AS $$
    SELECT row_number() OVER (ORDER BY p.i), substring(p.t FROM '<svg class="chart".*$')
      FROM string_to_table(html, '</svg>') WITH ORDINALITY AS p(t, i)
     WHERE p.t ~ '<svg class="chart"'
$$;

-- ---------------------------------------------------------------------------
-- The valid document passes; each condition broken on its own fails (22023).

SELECT is(pg_temp.err(pg_temp.base()), 'ok', 'the base document is valid');
SELECT is(pg_temp.err('{"title": "Bara en titel"}'), 'ok', 'a title alone is a valid document');
SELECT throws_ok($$SELECT sqm.validate_report(NULL)$$, '22004', 'report document is null', 'NULL document: 22004');
SELECT is(pg_temp.err('[1, 2]'), '22023 report document: not a JSON object', 'not an object');
SELECT is(pg_temp.err(pg_temp.base() || '{"titel": "x"}'), '22023 report document: unknown key "titel"', 'unknown top-level key');
SELECT is(pg_temp.err(pg_temp.base() - 'title'), '22023 report document: no title', 'missing document title');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{title}', '"   "')), '22023 report document: no title', 'blank document title');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{title}', '7')), '22023 report document: no title', 'a number as document title');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{lang}', '"de"')), '22023 report document: unknown language "de"', 'unknown language');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{model_version}', '2')), '22023 report document: unsupported model_version 2', 'unsupported model version');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{subtitle}', '["x"]')), '22023 report document: "subtitle" is not a string', 'subtitle not a string');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{toc}', '"yes"')), '22023 report document: "toc" is not a boolean', 'toc not a boolean');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{numbered}', '1')), '22023 report document: "numbered" is not a boolean', 'numbered not a boolean');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{metadata}', '{"a": 1}')), '22023 report document: metadata is not an array', 'metadata not an array');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{metadata,1}', '{"value": "x"}')), '22023 report metadata 2: metadata pair has no label', 'metadata pair without label');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{metadata,0,value}', '{"x": 1}')),
          '22023 report metadata 1 "Beslutande organ": metadata value is not a string, number or null', 'metadata value an object');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{metadata,0,key}', '"Beslut datum"')),
          '22023 report metadata 1 "Beslutande organ": invalid metadata key', 'metadata key not an identifier');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{metadata,0,extra}', '1')), '22023 report metadata 1: unknown key "extra"', 'metadata pair with an unknown key');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections}', '{}')), '22023 report document: sections is not an array', 'sections not an array');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,1}', '"Utveckling"')), '22023 report section 2: not a JSON object', 'a section that is a string');
SELECT is(pg_temp.err(pg_temp.base() #- '{sections,0,sections,0,title}'), '22023 report section 1.1: no title', 'missing title of a subsection');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,1,rubrik}', '"x"')),
          '22023 report section 2 "Utveckling över tid": unknown key "rubrik"', 'section with an unknown key');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,0,sections,0,sections}',
                                '[{"title": "c", "sections": [{"title": "d", "sections": [{"title": "e"}]}]}]')),
          '22023 report section 1.1.1.1.1 "e": sections are nested more than four deep', 'five levels of sections');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,0,sections,0,sections}', '[{"title": "c", "sections": [{"title": "d"}]}]')),
          'ok', 'four levels of sections are allowed');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,0,analysis}', '"Antalet ökade."')),
          '22023 report section 1 "Avvikelser": analysis is not an array of strings', 'analysis as a string, not an array');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,0,analysis,0}', '5')),
          '22023 report section 1 "Avvikelser": analysis 1 is not a string', 'an analysis paragraph that is a number');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,0,blocks}', '{}')),
          '22023 report section 1 "Avvikelser": blocks is not an array', 'blocks not an array');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,0,id}', '"sqm-sec-1"')),
          '22023 report section 1 "Avvikelser": invalid id', 'an id in the renderers'' namespace');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,1,id}', '"avvikelser"')),
          '22023 report document: id "avvikelser" is used more than once', 'the same id twice');
-- blocks
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,0,blocks,1,type}', '"tabel"')),
          '22023 report section 1 "Avvikelser", block 2: unknown block type "tabel"', 'unknown block type');
SELECT is(pg_temp.err(pg_temp.base() #- '{sections,0,blocks,0,type}'),
          '22023 report section 1 "Avvikelser", block 1: block has no type', 'a block without type');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,0,blocks,0}', '"text"')),
          '22023 report section 1 "Avvikelser", block 1: not a JSON object', 'a block that is a string');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,0,blocks,0,paragraphs}', '[]')),
          '22023 report section 1 "Avvikelser", block 1: paragraphs is not a non-empty array of strings', 'a text block without paragraphs');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,0,blocks,0,caption}', '"x"')),
          '22023 report section 1 "Avvikelser", block 1: unknown key "caption"', 'a text block with a table''s key');
SELECT is(pg_temp.err(pg_temp.base() #- '{sections,0,blocks,1,caption}'),
          '22023 report section 1 "Avvikelser", block 2: table has no caption', 'a table without caption');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,0,blocks,1,columns}', '[]')),
          '22023 report section 1 "Avvikelser", block 2: table has no columns', 'a table without columns');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,0,blocks,1,columns,2,key}', '"reports"')),
          '22023 report section 1 "Avvikelser", block 2: column 3 has a duplicate key', 'two columns with one key');
SELECT is(pg_temp.err(pg_temp.base() #- '{sections,0,blocks,1,columns,1,label}'),
          '22023 report section 1 "Avvikelser", block 2: column 2 has no label', 'a column without label');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,0,blocks,1,columns,1,align}', '"middle"')),
          '22023 report section 1 "Avvikelser", block 2: column 2 has an unknown alignment', 'an unknown alignment');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,0,blocks,1,columns,1,hidden}', '"yes"')),
          '22023 report section 1 "Avvikelser", block 2: column 2: "hidden" is not a boolean', 'hidden not a boolean');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,0,blocks,1,columns}',
                                '[{"key": "a", "label": "A", "hidden": true}]') #- '{sections,0,blocks,1,rows}' #- '{sections,0,blocks,1,total}'),
          '22023 report section 1 "Avvikelser", block 2: table has no visible column', 'every column hidden');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,0,blocks,1,rows,0,enhet}', '"x"')),
          '22023 report section 1 "Avvikelser", block 2: row 1 has a value for "enhet", which is not a column', 'a row value without column');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,0,blocks,1,rows,2,previous}', '[1]')),
          '22023 report section 1 "Avvikelser", block 2: row 3: the value of "previous" is not a number, string or null', 'a cell that is an array');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,0,blocks,1,total,reports}', 'true')),
          '22023 report section 1 "Avvikelser", block 2: the total row: the value of "reports" is not a number, string or null', 'a total cell that is a boolean');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,0,blocks,1,rows}', '{}')),
          '22023 report section 1 "Avvikelser", block 2: rows is not an array', 'rows not an array');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,0,blocks,1,notes}', '"x"')),
          '22023 report section 1 "Avvikelser", block 2: notes is not an array of strings', 'notes not an array');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,0,blocks,1,source}', '1')),
          '22023 report section 1 "Avvikelser", block 2: "source" is not a string', 'source not a string');
-- charts
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,0,blocks,2,kind}', '"pie"')),
          '22023 report section 1 "Avvikelser", block 3: unknown chart kind "pie"', 'unknown chart kind');
SELECT is(pg_temp.err(pg_temp.base() #- '{sections,0,blocks,2,kind}'),
          '22023 report section 1 "Avvikelser", block 3: chart has no kind', 'a chart without kind');
SELECT is(pg_temp.err(pg_temp.base() #- '{sections,0,sections,0,blocks,0,title}'),
          '22023 report section 1.1 "Hälso- och sjukvård", block 1: chart has no title', 'a chart without title');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,1,blocks,0,series,1,values}', '[null, 6, 20]')),
          '22023 report section 2 "Utveckling över tid", block 1: series 2 "Lex Sarah" has 3 values for 4 categories', 'a series shorter than the categories');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,0,blocks,3,series,0,values}', '[40, 12, 1]')),
          '22023 report section 1 "Avvikelser", block 4: series 1 "2025" has 3 values for 2 categories', 'a series longer than the categories');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,0,blocks,2,series}', '[{"name": "2025", "values": [31, 16, null]}]')),
          '22023 report section 1 "Avvikelser", block 3: a bar_pair chart cannot have 1 series', 'bar_pair with one series');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,0,sections,0,blocks,0,kind}', '"bar_pair"')),
          '22023 report section 1.1 "Hälso- och sjukvård", block 1: a bar_pair chart cannot have 1 series', 'the same series as bar_pair');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,0,blocks,2,kind}', '"bar"')),
          '22023 report section 1 "Avvikelser", block 3: a bar chart cannot have 2 series', 'bar with two series');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,0,blocks,2,kind}', '"hbar"')), 'ok', 'hbar takes two series');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,0,blocks,2,kind}', '"line"')), 'ok', 'line takes two series');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,1,blocks,0,series}',
                                (SELECT jsonb_agg(jsonb_build_object('name', 's' || g, 'values', '[1, 2, 3, 4]'::jsonb)) FROM generate_series(1, 7) g))),
          '22023 report section 2 "Utveckling över tid", block 1: a line chart cannot have 7 series', 'line with seven series');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,0,blocks,3,series,0,values,0}', '"40"')),
          '22023 report section 1 "Avvikelser", block 4: series 1 "2025": value 1 is not a number or null', 'a value that is a string');
SELECT is(pg_temp.err(pg_temp.base() #- '{sections,0,blocks,3,series,0,name}'),
          '22023 report section 1 "Avvikelser", block 4: series 1 has no name', 'a series without name');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,0,blocks,3,categories}', '[]')),
          '22023 report section 1 "Avvikelser", block 4: chart has no categories', 'a chart without categories');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,0,blocks,3,categories,1}', '""')),
          '22023 report section 1 "Avvikelser", block 4: category 2 is not a non-empty string or a number', 'an empty category name');
SELECT is(pg_temp.err(pg_temp.base() #- '{sections,0,blocks,3,series}'),
          '22023 report section 1 "Avvikelser", block 4: chart has no series', 'a chart without series');
SELECT is(pg_temp.err(jsonb_set(pg_temp.base(), '{sections,0,blocks,3,series,0,colour}', '"red"')),
          '22023 report section 1 "Avvikelser", block 4: unknown key "colour"', 'a series with an unknown key');

-- detail and hint say where and what to write
SELECT is(pg_temp.err_full(jsonb_set(pg_temp.base(), '{sections,1,blocks,0,series,1,values}', '[null, 6, 20]')),
          '22023 report section 2 "Utveckling över tid", block 1: series 2 "Lex Sarah" has 3 values for 4 categories'
          || ' | At $.sections[1].blocks[0].series[1].values the document has a JSON array; the chart has 4 categories.'
          || ' | Give every series one value per category, in the order of the categories; null where there is no figure.',
          'series length: detail gives the JSON path, hint what to write');
SELECT is(pg_temp.err_full(jsonb_set(pg_temp.base(), '{sections,0,blocks,1,type}', '"tabel"')),
          '22023 report section 1 "Avvikelser", block 2: unknown block type "tabel" | The block at $.sections[0].blocks[1] has "type": "tabel". | A block''s "type" is text, table or chart.',
          'unknown block type: detail and hint');
-- both renderers validate first
SELECT throws_ok(format('SELECT sqm.render_html(%L)', jsonb_set(pg_temp.base(), '{sections,0,blocks,2,kind}', '"pie"')),
                 '22023', 'report section 1 "Avvikelser", block 3: unknown chart kind "pie"', 'render_html validates');
SELECT throws_ok(format('SELECT sqm.render_markdown(%L)', pg_temp.base() - 'title'),
                 '22023', 'report document: no title', 'render_markdown validates');

-- ---------------------------------------------------------------------------
-- Helpers: numbers, scales, wrapping.

SELECT is(sqm.doc_number(12345, 'sv'), '12' || chr(160) || '345', 'sv: five digits grouped with a no-break space');
SELECT is(sqm.doc_number(12345, 'en'), '12,345', 'en: grouped with a comma');
SELECT is(sqm.doc_number(2025, 'sv'), '2025', 'four digits (years) stay whole');
SELECT is(sqm.doc_number(1234.5, 'sv') || ' ' || sqm.doc_number(1234.5, 'en'), '1234,5 1234.5', 'decimal comma in Swedish, point in English');
SELECT is(sqm.doc_number(-3, 'sv'), chr(8722) || '3', 'a true minus sign');
SELECT is(sqm.doc_value('null', 'sv') || sqm.doc_value(NULL, 'sv'), '––', 'null and missing values are –');
SELECT is(sqm.doc_nice_scale(0, 121, true), '{0,150,50}'::numeric[], 'scale 0–121: 0, 50, 100, 150');
SELECT is(sqm.doc_nice_scale(0, 3, true), '{0,3,1}'::numeric[], 'scale 0–3 for counts: steps of 1');
SELECT is(sqm.doc_nice_scale(0, 0.9, false), '{0,1,0.2}'::numeric[], 'scale 0–0.9: steps of 0.2');
SELECT is(sqm.doc_nice_scale(-5, 12, true), '{-5,15,5}'::numeric[], 'a scale with negatives covers them');
SELECT is(sqm.doc_nice_scale(NULL, NULL, true), '{0,1,1}'::numeric[], 'no values: an axis 0–1');
SELECT is(sqm.doc_wrap('Brister i fysisk miljö/teknik', 12), '{"Brister i",fysisk,miljö/teknik}'::text[],
          'long names wrap at spaces and after a slash');

-- ---------------------------------------------------------------------------
-- The renderings of the base document.

CREATE TEMP TABLE page AS
SELECT sqm.render_html(pg_temp.base()) AS html, sqm.render_markdown(pg_temp.base()) AS md,
       sqm.render_html(pg_temp.base() || '{"lang": "en"}') AS html_en, sqm.render_markdown(pg_temp.base() || '{"lang": "en"}') AS md_en;

-- every number of the table, as shown, in both outputs (and the hidden column in neither)
SELECT ok((SELECT bool_and(position('>' || sqm.doc_escape_html(sqm.doc_value(r.v -> c.key, 'sv')) || '<' IN p.html) > 0
                           AND position('| ' || sqm.doc_escape_md(sqm.doc_value(r.v -> c.key, 'sv')) || ' |' IN p.md) > 0)
             FROM page p, jsonb_array_elements(pg_temp.base() #> '{sections,0,blocks,1,rows}') r(v),
                  (VALUES ('unit'), ('reports'), ('previous')) c(key)),
          'every cell of the table''s rows appears in the HTML and in the Markdown');
SELECT ok((SELECT bool_and(position('>' || sqm.doc_escape_html(sqm.doc_value(p2.total -> c.key, 'sv')) || '<' IN p.html) > 0
                           AND position('| **' || sqm.doc_escape_md(sqm.doc_value(p2.total -> c.key, 'sv')) || '** |' IN p.md) > 0)
             FROM page p, (SELECT pg_temp.base() #> '{sections,0,blocks,1,total}' AS total) p2,
                  (VALUES ('unit'), ('reports'), ('previous')) c(key)),
          'every cell of the total row appears in both (bold in Markdown)');
SELECT ok((SELECT position('>12' || chr(160) || '345<' IN html) > 0 AND position('| 12' || chr(160) || '345 |' IN md) > 0
                  AND position('| **12' || chr(160) || '392** |' IN md) > 0 AND position('>1242,5<' IN html) > 0 FROM page),
          'grouped and decimal numbers the same in both; the total row in bold in Markdown');
SELECT ok((SELECT position('>12,345<' IN html_en) > 0 AND position('| 12,345 |' IN md_en) > 0 AND position('>1242.5<' IN html_en) > 0 FROM page),
          'English number format in both');
SELECT ok((SELECT position('901' IN html) = 0 AND position('901' IN md) = 0 AND position('>Id<' IN html) = 0 AND position('| Id |' IN md) = 0 FROM page),
          'a hidden column is shown in neither');
SELECT is((SELECT regexp_count(html, '<td class="a-right na">–</td>') FROM page), 2, 'HTML: a null and a missing cell are "–"');
SELECT ok((SELECT position('| Vägledning och integration | 16 | – |' IN md) > 0 AND position('| Familjestöd | – | 1 |' IN md) > 0 FROM page),
          'Markdown: a null and a missing cell are "–"');
SELECT ok((SELECT position('– = ingen uppgift' IN html) > 0 AND position('– = ingen uppgift' IN md) > 0 AND position('– = no figure' IN md_en) > 0 FROM page),
          'a table with "–" says what it means');
SELECT ok((SELECT position('<tfoot><tr><th class="a-left" scope="row">Totalt</th><td class="a-right">12' || chr(160) || '392</td>' IN html) > 0 FROM page),
          'the total row is the table''s foot');
SELECT ok((SELECT html ~ '<th scope="col" class="a-left">Enhet</th><th scope="col" class="a-right">2025</th>' FROM page),
          'text columns align left, number columns right');
SELECT ok((SELECT sqm.render_html(jsonb_set(pg_temp.base(), '{sections,0,blocks,1,columns,1,align}', '"center"')) ~ 'class="a-center">2025</th>'
                  AND sqm.render_markdown(jsonb_set(pg_temp.base(), '{sections,0,blocks,1,columns,1,align}', '"center"')) ~ '\| :--- \| :---: \| ---: \|'),
          'an alignment given is used, in both outputs');
SELECT ok((SELECT position('<span class="label">Anm.</span> En utredning räknas en gång per enhet.' IN html) > 0
                  AND position('*Anm.* En utredning räknas en gång per enhet.' IN md) > 0 FROM page), 'table notes in both outputs');

-- charts: marks, "–" and no mark for NULL
SELECT is((SELECT count(*) FROM page, pg_temp.charts(html)), 4::bigint, 'four charts, four SVGs');
SELECT is((SELECT array_agg(substring(c.svg FROM 'data-expected-marks="([0-9]+)"')::integer ORDER BY c.i) FROM page, pg_temp.charts(html) c),
          (SELECT array_agg((SELECT count(*) FROM jsonb_path_query(b, '$.series[*].values[*] ? (@ != null)'))::integer ORDER BY o.ord)
             FROM sqm.doc_outline(pg_temp.base()) o CROSS JOIN LATERAL (SELECT o.obj AS b) x WHERE o.obj ->> 'type' = 'chart'),
          'data-expected-marks is the number of non-null values of each chart');
SELECT is((SELECT array_agg(regexp_count(c.svg, 'class="mark"') ORDER BY c.i) FROM page, pg_temp.charts(html) c),
          ARRAY[4, 2, 3, 7], 'each chart draws one mark per non-null value (bar_pair 4 of 6, hbar 2, bar 3 with a zero, line 7 of 8)');
SELECT is((SELECT regexp_count(c.svg, '<text [^>]*class="na"[^>]*>–</text>') FROM page, pg_temp.charts(html) c WHERE c.i = 1), 2,
          'bar_pair: "–" where each of the two null bars would stand');
SELECT is((SELECT regexp_count(c.svg, '[ML][0-9.]+ [0-9.]+') FROM page, pg_temp.charts(html) c WHERE c.i = 4), 7,
          'line: the path visits the 7 non-null points only');
SELECT is((SELECT regexp_count(c.svg, 'd="M[^"L]+L') FROM page, pg_temp.charts(html) c WHERE c.i = 4), 2,
          'line: one path per series, each from its first figure on');
SELECT is((SELECT regexp_count(sqm.render_html(jsonb_set(pg_temp.base(), '{sections,1,blocks,0,series,0,values}', '[37, null, 93, 121]')),
                               'M[0-9.]+ [0-9.]+L[0-9.]+ [0-9.]+L')), 1, 'line: a null in the middle breaks the path into two');
SELECT ok((SELECT c.svg ~ '<rect class="mark" x="[0-9.]+" y="[0-9.]+" width="[0-9.]+" height="1" ' FROM page, pg_temp.charts(html) c WHERE c.i = 3),
          'a zero is a mark (one pixel high), not a missing value');
SELECT is((SELECT regexp_replace(sqm.doc_chart_svg('{"kind": "bar", "title": "T", "categories": ["a", "b"], "series": [{"name": "x", "values": [null, null]}]}', 'sv'),
                                 '^.*data-expected-marks="([0-9]+)".*$', '\1') || ' ' ||
                  regexp_count(sqm.doc_chart_svg('{"kind": "bar", "title": "T", "categories": ["a", "b"], "series": [{"name": "x", "values": [null, null]}]}', 'sv'), 'class="mark"')),
          '0 0', 'a chart with no figures expects and draws no mark');
SELECT ok((SELECT bool_and(c.svg ~ '^<svg class="chart" data-chart-kind="(bar|bar_pair|hbar|line)" data-expected-marks="[0-9]+" width="680" height="[0-9]+" viewBox="0 0 680 [0-9]+" role="img" aria-label="[^"<]+"><title>[^<]+</title>')
             FROM page, pg_temp.charts(html) c), 'every chart: class chart, kind, expected marks, size, role img, aria-label and title');
SELECT ok((SELECT c.svg ~ 'aria-label="Stapeldiagram: Avvikelser per enhet 2025 och 2024. Boende: 2025 31, 2024 7; Vägledning och integration: 2025 16, 2024 –; Familjestöd: 2025 –, 2024 1"'
             FROM page, pg_temp.charts(html) c WHERE c.i = 1), 'the aria-label reads out every figure, – for none');
SELECT ok((SELECT c.svg ~ '<g class="legend">.*>2025</text>.*>2024</text></g>' FROM page, pg_temp.charts(html) c WHERE c.i = 1)
          AND (SELECT c.svg !~ 'class="legend"' FROM page, pg_temp.charts(html) c WHERE c.i = 3), 'a legend for several series, none for one');
SELECT ok((SELECT position('<figcaption><span class="label">Figur 1.</span> Avvikelser per enhet 2025 och 2024</figcaption>' IN html) > 0
                  AND position('**Figur 1. Avvikelser per enhet 2025 och 2024**' IN md) > 0 FROM page), 'charts are numbered figures in both');
SELECT ok((SELECT position('| Vägledning och integration | 16 | – |' IN substring(md FROM position('Figur 1' IN md))) > 0
                  AND position('| År | Avvikelser | Lex Sarah |' IN md) > 0 AND position('| 2022 | 37 | – |' IN md) > 0 FROM page),
          'Markdown shows a chart as its figures, – for null, the category label as heading');
SELECT ok((SELECT md !~ '<svg|<table|<div' FROM page), 'Markdown carries no HTML');
SELECT ok((SELECT x.svg ~ '<tspan x="[0-9.]+" dy="0">Läkemedel som</tspan><tspan x="[0-9.]+" dy="1.2em">inte gavs</tspan>' AND x.svg !~ 'rotate'
             FROM (SELECT sqm.doc_chart_svg('{"kind": "bar", "title": "T", "categories": ["Läkemedel som inte gavs", "Fall", "b", "c", "d", "e"],
                                               "series": [{"name": "x", "values": [1, 2, 3, 4, 5, 6]}]}', 'sv') AS svg) x),
          'category names that fit their slot are wrapped onto lines');
SELECT ok((SELECT x.svg ~ 'text-anchor="end" transform="rotate\(-45 ' AND x.svg !~ '<tspan'
             FROM (SELECT sqm.doc_chart_svg(jsonb_build_object('kind', 'bar', 'title', 'T',
                     'categories', (SELECT jsonb_agg('Vägledning och integration ' || g) FROM generate_series(1, 15) g),
                     'series', jsonb_build_array(jsonb_build_object('name', 'x', 'values', (SELECT jsonb_agg(g) FROM generate_series(1, 15) g)))), 'sv') AS svg) x),
          'long names under narrow slots are turned 45°');
SELECT ok((SELECT x.svg ~ '>Brister i informationsöverföring och</tspan><tspan x="[0-9.]+" dy="1.2em">dokumentation av beslut</tspan>'
             FROM (SELECT sqm.doc_chart_svg('{"kind": "hbar", "title": "T", "categories": ["Brister i informationsöverföring och dokumentation av beslut", "Annat"],
                                               "series": [{"name": "x", "values": [1, 2]}]}', 'sv') AS svg) x),
          'hbar: long names wrap beside their bars');

-- structure, labels and languages
SELECT ok((SELECT html ~ '^<!DOCTYPE html>\n<html lang="sv">' AND html_en ~ '^<!DOCTYPE html>\n<html lang="en">' FROM page), 'lang attribute');
SELECT ok((SELECT position('>Innehåll</h2>' IN html) > 0 AND position('>Tabell 1.</span>' IN html) > 0 AND position('>Figur 2.</span>' IN html) > 0
                  AND position('>Analys</p>' IN html) > 0 AND position('Källa: sqm.deviations_per_unit' IN html) > 0 FROM page), 'Swedish fixed labels');
SELECT ok((SELECT position('>Contents</h2>' IN html_en) > 0 AND position('>Table 1.</span>' IN html_en) > 0 AND position('>Figure 2.</span>' IN html_en) > 0
                  AND position('>Analysis</p>' IN html_en) > 0 AND position('Source: sqm.deviations_per_unit' IN html_en) > 0
                  AND position('**Table 1. Avvikelser per enhet**' IN md_en) > 0 AND position('Innehåll' IN html_en) = 0 FROM page), 'English fixed labels');
SELECT ok((SELECT position('"Sida " counter(page) " av " counter(pages)' IN html) > 0
                  AND position('"Page " counter(page) " of " counter(pages)' IN html_en) > 0 FROM page), 'page numbers of the printed page in the language');
SELECT ok((SELECT html ~ '<h2 id="avvikelser"><span class="num">1</span>Avvikelser</h2>' AND html ~ '<h3 id="sqm-sec-1-1"><span class="num">1.1</span>Hälso- och sjukvård</h3>'
                  AND position(E'\n## 1 Avvikelser\n' IN md) > 0 AND position(E'\n### 1.1 Hälso- och sjukvård\n' IN md) > 0 FROM page),
          'numbered headings, one level per depth, in both');
SELECT ok((SELECT bool_and(position(format('id="%s"', a[1]) IN html) > 0) FROM page, regexp_matches(html, 'href="#([^"]+)"', 'g') a)
          AND (SELECT count(*) FROM page, regexp_matches(html, '<nav class="toc".*</nav>', 'g')) = 1, 'every contents link has its target');
SELECT ok((SELECT position('<nav' IN sqm.render_html(pg_temp.base() || '{"toc": false}')) = 0
                  AND position('<span class="num">' IN sqm.render_html(pg_temp.base() || '{"numbered": false}')) = 0
                  AND position('## Avvikelser' IN sqm.render_markdown(pg_temp.base() || '{"numbered": false}')) > 0),
          'toc and numbered can be switched off');
SELECT ok((SELECT html ~ '<tr data-key="decision"><th scope="row">Beslutsdatum och paragraf</th><td>–</td></tr>'
                  AND position('- **Beslutsdatum och paragraf:** –' IN md) > 0 FROM page), 'header metadata as label/value pairs, – for none');
SELECT ok((SELECT position('<div class="analysis"><p class="analysis-label">Analys</p><p>Antalet ökade.</p></div>' IN html) > 0
                  AND position(E'**Analys**\n\nAntalet ökade.' IN md) > 0 FROM page), 'analysis text after the section''s blocks');
SELECT ok((SELECT position('Framställd 2026-01-15' IN html) > 0 AND position('*Framställd 2026-01-15*' IN md) > 0 FROM page), 'generated date in the footer');

-- self-contained: nothing loaded from anywhere, only its own style and script run
SELECT ok((SELECT html !~* '(https?:|//[a-z]|src=|@import|url\(|<link|<img|<iframe|<object|<embed)' FROM page), 'the page refers to no resource');
SELECT ok((SELECT bool_and(a[1] ~ '^#') FROM page, regexp_matches(html, 'href="([^"]*)"', 'g') a), 'every link is within the page');
SELECT is((SELECT substring(html FROM 'style-src ''sha256-([^'']+)''') FROM page),
          (SELECT encode(sha256(convert_to(substring(html FROM '<style>(.*)</style>'), 'UTF8')), 'base64') FROM page),
          'the policy admits exactly the page''s style sheet');
SELECT is((SELECT substring(html FROM 'script-src ''sha256-([^'']+)''') FROM page),
          (SELECT encode(sha256(convert_to(substring(html FROM '<script>(.*)</script>'), 'UTF8')), 'base64') FROM page),
          'the policy admits exactly the page''s script');
SELECT ok((SELECT html ~ '<meta http-equiv="Content-Security-Policy" content="default-src ''none''; ' FROM page), 'everything else is denied');

-- escaping: hostile text everywhere comes out inert
CREATE TEMP TABLE hostile AS
SELECT d, sqm.render_html(d) AS html, sqm.render_markdown(d) AS md
  FROM (SELECT jsonb_set(jsonb_set(jsonb_set(jsonb_set(jsonb_set(jsonb_set(pg_temp.base(),
               '{title}', '"<script>alert(1)</script>"'),
               '{sections,0,title}', '"Tom & Jerry \"citat\" <b>fet</b> '' x"'),
               '{sections,0,blocks,1,rows,0,unit}', '"Boende | Vuxna <img src=x onerror=alert(2)>"'),
               '{sections,0,blocks,2,categories,0}', '"</title></svg><script>alert(3)</script>"'),
               '{sections,0,blocks,2,series,0,name}', '"2025\"><script>alert(4)</script>"'),
               '{metadata,0,value}', '"*fet* [länk](javascript:alert(5)) &amp; _x_ #"') AS d) x;
SELECT is((SELECT regexp_count(html, '<script') FROM hostile), 1, 'HTML: one script element, the page''s own');
SELECT ok((SELECT html !~ '<(img|b)[ >]' AND html !~ '"><script' FROM hostile), 'HTML: no injected element or attribute');
SELECT ok((SELECT position('<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>' IN html) > 0
                  AND position('<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>' IN html) > 0 FROM hostile), 'a title <script>alert(1)</script> is shown as text');
SELECT ok((SELECT position('Tom &amp; Jerry &quot;citat&quot; &lt;b&gt;fet&lt;/b&gt; &#39; x' IN html) > 0 FROM hostile), 'the five HTML characters escaped');
SELECT ok((SELECT position('&lt;/title&gt;&lt;/svg&gt;&lt;script&gt;alert(3)&lt;/script&gt;' IN html) > 0
                  AND position('2025&quot;&gt;&lt;script&gt;alert(4)&lt;/script&gt;' IN html) > 0 FROM hostile), 'escaped inside the SVG too, attributes included');
SELECT ok((SELECT position('@top-left { content: "\00003cscript\00003ealert(1)\00003c\00002fscript\00003e"' IN html) > 0 FROM hostile),
          'the running header of printed pages escapes the title as a CSS string');
SELECT ok((SELECT position('| Boende \| Vuxna \<img src=x onerror=alert(2)\> |' IN md) > 0 FROM hostile), 'Markdown: | in a cell escaped, < > too');
SELECT ok((SELECT position('# \<script\>alert(1)\</script\>' IN md) > 0 FROM hostile), 'Markdown: the title cannot become HTML');
SELECT ok((SELECT position('\*fet\* \[länk\](javascript:alert(5)) \&amp; \_x\_ \#' IN md) > 0 FROM hostile), 'Markdown: emphasis, links, entities and # escaped');
SELECT is(sqm.doc_escape_md(E'1. ett\n- två') || ' / ' || sqm.doc_escape_md('- punkt') || ' / ' || sqm.doc_escape_md('=== rubrik'),
          '1\. ett - två / \- punkt / \=== rubrik', 'Markdown: a paragraph cannot become a list or a heading');
SELECT is(sqm.doc_escape_md('C:\temp `kod` ~~x~~ !bild'), 'C:\\temp \`kod\` \~\~x\~\~ \!bild', 'Markdown: backslash, code, strike-through and image marks escaped');

-- the search_path does not reach into the renderers
CREATE SCHEMA evil;
CREATE FUNCTION evil.trap(a text, b text) RETURNS text LANGUAGE plpgsql AS
  $$BEGIN RAISE EXCEPTION 'hostile operator called' USING ERRCODE = 'EV001'; END$$;
CREATE FUNCTION evil.trapb(a text, b text) RETURNS boolean LANGUAGE plpgsql AS
  $$BEGIN RAISE EXCEPTION 'hostile operator called' USING ERRCODE = 'EV001'; END$$;
CREATE OPERATOR evil.|| (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.trap);
CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.trapb);
CREATE FUNCTION evil.replace(text, text, text) RETURNS text LANGUAGE sql AS $$SELECT evil.trap($1, $2)$$;
CREATE FUNCTION pg_temp.hostile(q text) RETURNS text
LANGUAGE plpgsql SET search_path = evil, pg_catalog, public AS $$
DECLARE r text;
BEGIN
    EXECUTE q INTO r;
    RETURN md5(r);
EXCEPTION WHEN OTHERS THEN
    RETURN format('%s: %s', SQLSTATE, SQLERRM);
END $$;
SELECT is(pg_temp.hostile($$SELECT 'a'::text || 'b'::text$$), 'EV001: hostile operator called', 'the planted || is found first');
SELECT is(pg_temp.hostile(format('SELECT sqm.render_html(%L)', pg_temp.base())), (SELECT md5(html) FROM page),
          'render_html under a hostile search_path: the same page');
SELECT is(pg_temp.hostile(format('SELECT sqm.render_markdown(%L)', pg_temp.base())), (SELECT md5(md) FROM page),
          'render_markdown under a hostile search_path: the same text');

-- ---------------------------------------------------------------------------
-- Privileges: invoker rights, nothing for PUBLIC, the statistics readers may.

SELECT ok(NOT bool_or(p.prosecdef), 'validate_report, render_markdown, render_html are SECURITY INVOKER')
  FROM pg_proc p WHERE p.oid IN ('sqm.validate_report(jsonb)'::regprocedure, 'sqm.render_markdown(jsonb)'::regprocedure, 'sqm.render_html(jsonb)'::regprocedure);
SELECT ok(NOT bool_or(p.prosecdef) AND bool_and(p.proconfig @> '{"search_path=pg_catalog, pg_temp"}'),
          'no function of the renderer runs as its owner, each pins its search_path')
  FROM pg_proc p WHERE p.pronamespace = 'sqm'::regnamespace AND (p.proname LIKE 'doc\_%' OR p.proname IN ('validate_report', 'render_markdown', 'render_html'));
SELECT ok(NOT bool_or(has_function_privilege('public', p.oid, 'EXECUTE')), 'PUBLIC may execute none of them')
  FROM pg_proc p WHERE p.pronamespace = 'sqm'::regnamespace AND (p.proname LIKE 'doc\_%' OR p.proname IN ('validate_report', 'render_markdown', 'render_html'));
SELECT ok((SELECT count(*) = 0 FROM pg_proc p WHERE p.pronamespace = 'sqm'::regnamespace
             AND (p.proname LIKE 'doc\_%' OR p.proname IN ('validate_report', 'render_markdown', 'render_html'))
             AND obj_description(p.oid, 'pg_proc') IS NULL), 'every function of the renderer has a comment');
SELECT sqm.create_roles();
CREATE ROLE tst_render_reader IN ROLE sqm_report_reader;
CREATE ROLE tst_render_reporter IN ROLE sqm_reporter;
CREATE FUNCTION pg_temp.as_role(r text, q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE res text;
BEGIN
    EXECUTE format('SET LOCAL ROLE %I', r);
    BEGIN
        EXECUTE q INTO res;
    EXCEPTION WHEN OTHERS THEN
        RESET ROLE;
        RETURN SQLSTATE;
    END;
    RESET ROLE;
    RETURN md5(res);
END $$;
SELECT is(pg_temp.as_role('tst_render_reader', format('SELECT sqm.render_html(%L)', pg_temp.base())), (SELECT md5(html) FROM page),
          'a report reader renders HTML');
SELECT is(pg_temp.as_role('tst_render_reader', format('SELECT sqm.render_markdown(%L)', pg_temp.base())), (SELECT md5(md) FROM page),
          'a report reader renders Markdown');
SELECT is(pg_temp.as_role('tst_render_reporter', format('SELECT sqm.render_html(%L)', pg_temp.base())), '42501',
          'a reporter, who reads no statistics, may not');
SELECT ok((SELECT count(*) = 1 FROM sqm.role_privilege WHERE source = 'core' AND roles = '{readers}'
             AND privilege ~ 'sqm\.render_html\(jsonb\)' AND privilege ~ 'sqm\.doc_script\(\)'),
          'the grant to the readers is stated as data (sqm.role_privilege)');

SELECT * FROM finish();
ROLLBACK;
