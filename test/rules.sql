-- Every rule for every writer (issue 9): each rule of deviations, measures and
-- lex Sarah is broken through the API and by a direct superuser INSERT or
-- UPDATE (triggers on), and both are refused with the same SQLSTATE and the
-- same message; each condition of a rule on its own, with the case just
-- inside the rule allowed, so that a rule widened or narrowed fails a test.
-- The expected texts are written out here, not read from the code.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(165);

SET LOCAL sqm.frozen_now = '2025-03-03 10:00+01';
SET LOCAL TimeZone = 'Europe/Stockholm';
SET LOCAL DateStyle = 'ISO, YMD';
SELECT sqm.create_organisation('Regler', 'SN') AS org \gset
SELECT sqm.create_unit(:org, 'Förvaltningen', 'administration', '2024-01-01') AS adm \gset
SELECT sqm.create_unit(:org, 'Enhet A', 'unit', '2024-01-01', :adm) AS ua \gset
SELECT sqm.create_unit(:org, 'Enhet B', 'unit', '2024-01-01', :adm) AS ub \gset
SELECT sqm.create_unit(:org, 'Enhet C', 'unit', '2024-01-01', :adm) AS uc \gset
SELECT sqm.end_unit(:org, :uc, '2024-12-31');
SELECT sqm.add_deviation_type(:org, 'info', 'Information', 'Information', '2024-01-01');
SELECT sqm.add_deviation_type(:org, 'annat', 'Annat', 'Other', '2024-01-01', '2024-12-31');
SELECT sqm.add_deviation_type(:org, 'nytt', 'Nytt', 'New', '2025-06-01');
SELECT sqm.add_deviation_type(:org, 'fall', 'Fall', 'Fall', '2024-01-01', NULL, 'HSL');
SELECT sqm.add_lex_sarah_theme(:org, 'bemotande', 'Bemötande', 'Treatment', '2024-01-01');
SELECT sqm.add_lex_sarah_theme(:org, 'gammalt', 'Gammalt', 'Old', '2024-01-01', '2024-12-31');
SELECT sqm.add_lex_sarah_theme(:org, 'kommande', 'Kommande', 'Coming', '2025-06-01');
SELECT sqm.create_organisation('Annan', 'SN') AS orgb \gset
SELECT sqm.create_unit(:orgb, 'Enhet B1', 'unit', '2024-01-01') AS b1 \gset
SELECT sqm.add_deviation_type(:orgb, 'egen', 'Egen', 'Own', '2024-01-01');
SELECT sqm.add_lex_sarah_theme(:orgb, 'annans', 'Annans', 'Other''s', '2024-01-01');

-- What a statement does: 'ok' (and then it is undone), or its SQLSTATE and
-- message.
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

-- A deviation of a unit through the API, up to a state (reported, triaged,
-- investigating -- with a summary --, bare: investigating without one).
CREATE FUNCTION pg_temp.dev(org bigint, u bigint, upto text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE d bigint;
BEGIN
    d := sqm.report_deviation(org, u, 'SoL', '2025-03-01 10:00+01', 'Händelse', '{info}', '2025-03-02 10:00+01');
    IF upto = 'reported' THEN RETURN d; END IF;
    PERFORM sqm.triage_deviation(org, d, 'reported', 'low');
    IF upto = 'triaged' THEN RETURN d; END IF;
    PERFORM sqm.move_object('deviation', org, d, 'triaged', 'investigating');
    IF upto = 'bare' THEN RETURN d; END IF;
    PERFORM sqm.record_deviation_summary(org, d, 'investigating', 'Utredningen visar orsaken');
    RETURN d;
END $$;
-- A measure of a deviation through the API, up to a state (planned,
-- in_progress, done, evaluated with an effect, cancelled).
CREATE FUNCTION pg_temp.mea(org bigint, d bigint, upto text, effect text DEFAULT 'yes') RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE m bigint;
BEGIN
    m := sqm.plan_measure(org, 'deviation', d, 'Åtgärd', 'enhetschef', '2025-04-01', '2025-05-01');
    IF upto = 'planned' THEN RETURN m; END IF;
    IF upto = 'cancelled' THEN PERFORM sqm.cancel_measure(org, m, 'planned', 'Behövs inte'); RETURN m; END IF;
    PERFORM sqm.move_object('measure', org, m, 'planned', 'in_progress');
    IF upto = 'in_progress' THEN RETURN m; END IF;
    PERFORM sqm.complete_measure(org, m, 'in_progress');
    IF upto = 'done' THEN RETURN m; END IF;
    PERFORM sqm.evaluate_measure(org, m, 'done', effect);
    RETURN m;
END $$;
-- Closing a deviation from a state, through the API and directly.
CREATE FUNCTION pg_temp.close_api(org bigint, d bigint, st text, no_measure text DEFAULT NULL) RETURNS text LANGUAGE sql AS $$
    SELECT pg_temp.try(format('SELECT sqm.close_deviation(%s, %s, %L, %L)', org, d, st, no_measure))
$$;
CREATE FUNCTION pg_temp.close_direct(org bigint, d bigint, no_measure text DEFAULT NULL) RETURNS text LANGUAGE sql AS $$
    SELECT pg_temp.try(CASE WHEN no_measure IS NULL THEN '' ELSE
                         format('UPDATE sqm.deviation_detail SET no_measure_reason = %L WHERE org_id = %s AND id = %s; ', no_measure, org, d) END
                       || format('UPDATE sqm.deviation SET state = ''closed'', closed_at = sqm.now() WHERE org_id = %s AND id = %s', org, d))
$$;
-- A lex Sarah investigation of a new report of a unit, up to a state
-- (opened, under_investigation, assessed, completed, closed).
CREATE FUNCTION pg_temp.inv(org bigint, u bigint, upto text, outcome sqm.lex_sarah_outcome DEFAULT 'impropriety') RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE i bigint; it record;
BEGIN
    i := sqm.open_lex_sarah_investigation(org, u,
             ARRAY[sqm.report_lex_sarah(org, u, 'SoL', '2025-02-01 10:00+01', 'Händelse', 'A', 'B', '2025-02-02 10:00+01')]);
    IF upto = 'opened' THEN RETURN i; END IF;
    PERFORM sqm.start_lex_sarah_investigation(org, i, 'opened');
    IF upto = 'under_investigation' THEN RETURN i; END IF;
    PERFORM sqm.assess_lex_sarah(org, i, 'under_investigation', outcome);
    IF upto = 'assessed' THEN RETURN i; END IF;
    FOR it IN SELECT item FROM sqm.lex_sarah_item WHERE required LOOP
        PERFORM sqm.record_lex_sarah(org, i, it.item, 'x', 'intervju', 'fact', 'Carin', 'utredare', NULL,
                                     CASE WHEN it.item = 'measure' THEN date '2025-02-20' END);
    END LOOP;
    PERFORM sqm.complete_lex_sarah(org, i, 'assessed');
    IF upto = 'completed' THEN RETURN i; END IF;
    PERFORM sqm.close_lex_sarah(org, i, 'completed');
    RETURN i;
END $$;

-- ====================================================================
-- Deviations: the row check (deviation.c, sqm.deviation_check)
-- ====================================================================
CREATE FUNCTION pg_temp.report_api(org bigint, u bigint, happened text, reported text, types text DEFAULT '{info}',
                                   regime text DEFAULT 'SoL') RETURNS text LANGUAGE sql AS $$
    SELECT pg_temp.try(format('SELECT sqm.report_deviation(%s, %s, %L, %L, ''x'', %L, %L)', org, u, regime, happened, types, reported))
$$;
CREATE FUNCTION pg_temp.report_direct(org bigint, id bigint, u bigint, happened text, reported text, types text DEFAULT '{info}',
                                      regime text DEFAULT 'SoL') RETURNS text LANGUAGE sql AS $$
    SELECT pg_temp.try(format('INSERT INTO sqm.deviation (org_id, id, state, unit_id, regime, happened_at, reported_at, types)
                               VALUES (%s, %s, ''reported'', %s, %L, %L, %L, %L)', org, id, u, regime, happened, reported, types))
$$;

-- reported at the latest now
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.report_api(:org, :ua, '2025-03-03 09:00+01', '2025-03-03 10:00:01+01'),
          format('23514: deviation %s cannot be reported at 2025-03-03 10:00:01+01, which is in the future', :next),
          'deviation reported in the future: refused through the API');
SELECT is(pg_temp.report_direct(:org, :next, :ua, '2025-03-03 09:00+01', '2025-03-03 10:00:01+01'),
          format('23514: deviation %s cannot be reported at 2025-03-03 10:00:01+01, which is in the future', :next),
          'deviation reported in the future: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.report_api(:org, :ua, '2025-03-03 09:00+01', '2025-03-03 10:00+01'), 'ok',
          'a deviation reported at exactly now is allowed');
-- it happened at or before it was reported
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.report_api(:org, :ua, '2025-03-02 10:00:01+01', '2025-03-02 10:00+01'),
          format('23514: deviation %s cannot have happened at 2025-03-02 10:00:01+01, after it was reported at 2025-03-02 10:00:00+01', :next),
          'deviation that happened after it was reported: refused through the API');
SELECT is(pg_temp.report_direct(:org, :next, :ua, '2025-03-02 10:00:01+01', '2025-03-02 10:00+01'),
          format('23514: deviation %s cannot have happened at 2025-03-02 10:00:01+01, after it was reported at 2025-03-02 10:00:00+01', :next),
          'deviation that happened after it was reported: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.report_direct(:org, :next, :ua, '2025-03-02 10:00+01', '2025-03-02 10:00+01'), 'ok',
          'a deviation reported the moment it happened is allowed');
-- the unit existed on the report date, in the organisation's time zone
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.report_api(:org, :ua, '2023-12-31 22:00+01', '2023-12-31 23:30+01'),
          format('23503: unit %s of organisation %s did not exist on 2023-12-31, the report date of deviation %s', :ua, :org, :next),
          'a unit that did not yet exist on the report date: refused through the API');
SELECT is(pg_temp.report_direct(:org, :next, :ua, '2023-12-31 22:00+01', '2023-12-31 23:30+01'),
          format('23503: unit %s of organisation %s did not exist on 2023-12-31, the report date of deviation %s', :ua, :org, :next),
          'a unit that did not yet exist: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.report_api(:org, :ua, '2023-12-31 22:00+00', '2023-12-31 23:30+00'), 'ok',
          'the report date is the organisation''s: 23:30 UTC on 31 December is 1 January in Stockholm, when the unit existed');
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.report_api(:org, :uc, '2025-01-01 08:00+01', '2025-01-01 09:00+01'),
          format('23503: unit %s of organisation %s did not exist on 2025-01-01, the report date of deviation %s', :uc, :org, :next),
          'a unit that had ended: refused through the API');
SELECT is(pg_temp.report_direct(:org, :next, :uc, '2025-01-01 08:00+01', '2025-01-01 09:00+01'),
          format('23503: unit %s of organisation %s did not exist on 2025-01-01, the report date of deviation %s', :uc, :org, :next),
          'a unit that had ended: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.report_api(:org, :uc, '2024-12-31 08:00+01', '2024-12-31 23:59+01', '{annat}'), 'ok',
          'on the ended unit''s last day a report is allowed (with a type valid then)');
-- every type the organisation's, valid on the report date, of the regime
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.report_api(:org, :ua, '2025-03-01', '2025-03-02', '{egen}'),
          format('23503: deviation %s has types that organisation %s does not use for SoL reports on 2025-03-02: egen', :next, :org),
          'a type of another organisation: refused through the API');
SELECT is(pg_temp.report_direct(:org, :next, :ua, '2025-03-01', '2025-03-02', '{egen}'),
          format('23503: deviation %s has types that organisation %s does not use for SoL reports on 2025-03-02: egen', :next, :org),
          'a type of another organisation: refused directly, same SQLSTATE and message');
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.report_api(:org, :ua, '2025-01-01', '2025-01-01 00:30+01', '{info,annat}'),
          format('23503: deviation %s has types that organisation %s does not use for SoL reports on 2025-01-01: annat', :next, :org),
          'a type that ended the day before: refused through the API, naming only the bad type');
SELECT is(pg_temp.report_direct(:org, :next, :ua, '2025-01-01', '2025-01-01 00:30+01', '{info,annat}'),
          format('23503: deviation %s has types that organisation %s does not use for SoL reports on 2025-01-01: annat', :next, :org),
          'a type that ended: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.report_api(:org, :ua, '2024-12-31', '2024-12-31 23:30+01', '{annat}'), 'ok',
          'a type on its last day is allowed');
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.report_api(:org, :ua, '2025-03-01', '2025-03-02', '{nytt}'),
          format('23503: deviation %s has types that organisation %s does not use for SoL reports on 2025-03-02: nytt', :next, :org),
          'a type not yet valid: refused through the API');
SELECT is(pg_temp.report_direct(:org, :next, :ua, '2025-03-01', '2025-03-02', '{nytt}'),
          format('23503: deviation %s has types that organisation %s does not use for SoL reports on 2025-03-02: nytt', :next, :org),
          'a type not yet valid: refused directly, same SQLSTATE and message');
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.report_api(:org, :ua, '2025-03-01', '2025-03-02', '{fall}'),
          format('23503: deviation %s has types that organisation %s does not use for SoL reports on 2025-03-02: fall', :next, :org),
          'an HSL type on a SoL report: refused through the API');
SELECT is(pg_temp.report_direct(:org, :next, :ua, '2025-03-01', '2025-03-02', '{fall}'),
          format('23503: deviation %s has types that organisation %s does not use for SoL reports on 2025-03-02: fall', :next, :org),
          'an HSL type on a SoL report: refused directly, same SQLSTATE and message');
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.report_api(:org, :ua, '2025-03-01', '2025-03-02', '{info}', 'HSL'),
          format('23503: deviation %s has types that organisation %s does not use for HSL reports on 2025-03-02: info', :next, :org),
          'a SoL type on an HSL report: refused through the API');
SELECT is(pg_temp.report_direct(:org, :next, :ua, '2025-03-01', '2025-03-02', '{info}', 'HSL'),
          format('23503: deviation %s has types that organisation %s does not use for HSL reports on 2025-03-02: info', :next, :org),
          'a SoL type on an HSL report: refused directly, same SQLSTATE and message');
SELECT sqm.report_deviation(:org, :ua, 'HSL', '2025-03-01', 'Fall i badrummet', '{fall}', '2025-03-02') AS hsl \gset
SELECT is((SELECT (regime, types)::text FROM sqm.deviation WHERE id = :hsl), '(HSL,{fall})',
          'an HSL deviation carries an HSL type');
SELECT is(pg_temp.report_api(:org, :ua, '2025-03-01', '2025-03-02', '{info}', 'LSS'), 'ok',
          'SoL types serve LSS reports');
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.report_api(:org, :ua, '2025-03-01', '2025-03-02', '{info,info}'),
          format('22023: deviation %s names a type twice', :next),
          'a type named twice: refused through the API');
SELECT is(pg_temp.report_direct(:org, :next, :ua, '2025-03-01', '2025-03-02', '{info,info}'),
          format('22023: deviation %s names a type twice', :next),
          'a type named twice: refused directly, same SQLSTATE and message');
-- edits of an existing deviation: the rules of the columns that change, only
SELECT sqm.report_deviation(:org, :ua, 'SoL', '2024-06-01', 'Gammal rapport', '{annat}', '2024-06-02') AS old_dev \gset
SELECT is(pg_temp.try(format('SELECT sqm.triage_deviation(%s, %s, ''reported'', ''low'')', :org, :old_dev)), 'ok',
          'an old report keeps its old type: moving it in 2025 does not check the type again');
SELECT is(pg_temp.try(format('UPDATE sqm.deviation SET types = ''{annat,info}'' WHERE id = %s', :old_dev)), 'ok',
          'a type valid on its report date may be added to an old report');
SELECT is(pg_temp.try(format('UPDATE sqm.deviation SET types = ''{nytt}'' WHERE id = %s', :old_dev)),
          format('23503: deviation %s has types that organisation %s does not use for SoL reports on 2024-06-02: nytt', :old_dev, :org),
          'a direct edit of the types is checked against the report date');
SELECT is(pg_temp.try(format('UPDATE sqm.deviation SET unit_id = %s WHERE id = %s', :uc, :hsl)),
          format('23503: unit %s of organisation %s did not exist on 2025-03-02, the report date of deviation %s', :uc, :org, :hsl),
          'a direct move to a unit that had ended is refused');
SELECT is(pg_temp.try(format('UPDATE sqm.deviation SET happened_at = ''2025-03-02 12:00+01'' WHERE id = %s', :hsl)),
          format('23514: deviation %s cannot have happened at 2025-03-02 12:00:00+01, after it was reported at 2025-03-02 00:00:00+01', :hsl),
          'a direct edit of when it happened is checked against the report');

-- ====================================================================
-- Deviations: the details check (sqm.deviation_detail_check)
-- ====================================================================
SELECT pg_temp.dev(:org, :ua, 'bare') AS d_bare \gset
SELECT pg_temp.dev(:org, :ua, 'triaged') AS d_tri \gset
SELECT is(pg_temp.try(format('SELECT sqm.record_deviation_summary(%s, %s, ''investigating'', ''   '')', :org, :d_bare)),
          format('23514: the investigation summary of deviation %s is empty', :d_bare),
          'a summary of only spaces: refused through the API');
SELECT is(pg_temp.try(format('UPDATE sqm.deviation_detail SET summary = ''   '' WHERE id = %s', :d_bare)),
          format('23514: the investigation summary of deviation %s is empty', :d_bare),
          'a summary of only spaces written directly is not a summary: same SQLSTATE and message');
SELECT is(pg_temp.try(format('SELECT sqm.record_deviation_summary(%s, %s, ''investigating'', NULL)', :org, :d_bare)),
          format('23514: the investigation summary of deviation %s is empty', :d_bare),
          'no summary at all: refused through the API');
SELECT pg_temp.dev(:org, :ua, 'investigating') AS d_inv \gset
SELECT is(pg_temp.try(format('UPDATE sqm.deviation_detail SET summary = NULL WHERE id = %s', :d_inv)),
          format('23514: the investigation summary of deviation %s is empty', :d_inv),
          'a written summary is not removed, even directly');
SELECT is(pg_temp.try(format('SELECT sqm.record_deviation_summary(%s, %s, ''triaged'', ''Utrett'')', :org, :d_tri)),
          format('SQ001: deviation %s cannot get an investigation summary in state "triaged"', :d_tri),
          'a summary before the investigation: refused through the API');
SELECT is(pg_temp.try(format('UPDATE sqm.deviation_detail SET summary = ''Utrett'' WHERE id = %s', :d_tri)),
          format('SQ001: deviation %s cannot get an investigation summary in state "triaged"', :d_tri),
          'a summary before the investigation: refused directly, same SQLSTATE and message');
SELECT pg_temp.dev(:org, :ua, 'reported') AS d_rep \gset
SELECT is(pg_temp.try(format('UPDATE sqm.deviation_detail SET summary = ''Utrett'' WHERE id = %s', :d_rep)),
          format('SQ001: deviation %s cannot get an investigation summary in state "reported"', :d_rep),
          'nor in state reported');
SELECT pg_temp.mea(:org, :d_inv, 'planned') AS m_dec \gset
SELECT sqm.move_object('deviation', :org, :d_inv, 'investigating', 'measures_decided');
SELECT is(pg_temp.try(format('SELECT sqm.record_deviation_summary(%s, %s, ''measures_decided'', ''Ny text'')', :org, :d_inv)),
          format('SQ001: deviation %s cannot get an investigation summary in state "measures_decided"', :d_inv),
          'nor once measures are decided, through the API');
SELECT is(pg_temp.try(format('UPDATE sqm.deviation_detail SET summary = ''Ny text'' WHERE id = %s', :d_inv)),
          format('SQ001: deviation %s cannot get an investigation summary in state "measures_decided"', :d_inv),
          'nor once measures are decided, directly');
SELECT is(pg_temp.try(format('UPDATE sqm.deviation_detail SET description = ''Kompletterad'' WHERE id = %s', :d_inv)), 'ok',
          'an edit of another column of the details does not check the summary');
SELECT is(pg_temp.try(format('SELECT sqm.record_deviation_summary(%s, %s, ''investigating'', ''Reviderad'')', :org, :d_bare)), 'ok',
          'a summary while investigating is allowed');
SELECT sqm.report_deviation(:org, :ua, 'SoL', '2025-03-01', 'Allvarligt', '{info}', '2025-03-02') AS d_esc \gset
SELECT sqm.triage_deviation(:org, :d_esc, 'reported', 'high');
SELECT sqm.escalate_deviation(:org, :d_esc, 'triaged', '{"reporter_name": "Anna", "reporter_title": "Chef"}') \g /dev/null
SELECT is(pg_temp.try(format('UPDATE sqm.deviation_detail SET summary = ''Utrett'' WHERE id = %s', :d_esc)), 'ok',
          'a summary of an escalated deviation is allowed');

-- ====================================================================
-- Deviations: closure (sqm.guard_deviation_closable) and measures decided
-- ====================================================================
SELECT pg_temp.dev(:org, :ua, 'bare') AS c \gset
SELECT is(pg_temp.close_api(:org, :c, 'investigating', 'Rättat'),
          format('SQ002: deviation %s cannot be closed: the investigation summary is missing', :c),
          'closure without a summary: refused through the API');
SELECT is(pg_temp.close_direct(:org, :c, 'Rättat'),
          format('SQ002: deviation %s cannot be closed: the investigation summary is missing', :c),
          'closure without a summary: refused directly, same SQLSTATE and message');
SELECT pg_temp.dev(:org, :ua, 'investigating') AS c \gset
SELECT is(pg_temp.close_api(:org, :c, 'investigating'),
          format('SQ002: deviation %s cannot be closed: no measure was carried out and no reason says none is needed', :c),
          'closure with no measure and no reason: refused through the API');
SELECT is(pg_temp.close_direct(:org, :c),
          format('SQ002: deviation %s cannot be closed: no measure was carried out and no reason says none is needed', :c),
          'closure with no measure and no reason: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.close_direct(:org, :c, 'Felet rättades direkt'), 'ok',
          'closure with no measure and a justified "no measure needed" is allowed');
SELECT pg_temp.mea(:org, :c, 'planned') AS m \gset
SELECT is(pg_temp.close_api(:org, :c, 'investigating', 'Behövs inte'),
          format('SQ002: deviation %s cannot be closed: measure %s is not finished', :c, :m),
          'closure with a planned measure: refused through the API, whatever the reason given');
SELECT is(pg_temp.close_direct(:org, :c, 'Behövs inte'),
          format('SQ002: deviation %s cannot be closed: measure %s is not finished', :c, :m),
          'closure with a planned measure: refused directly, same SQLSTATE and message');
SELECT sqm.move_object('measure', :org, :m, 'planned', 'in_progress');
SELECT is(pg_temp.close_api(:org, :c, 'investigating'),
          format('SQ002: deviation %s cannot be closed: measure %s is not finished', :c, :m),
          'closure with a measure in progress: refused through the API');
SELECT is(pg_temp.close_direct(:org, :c),
          format('SQ002: deviation %s cannot be closed: measure %s is not finished', :c, :m),
          'closure with a measure in progress: refused directly');
SELECT sqm.complete_measure(:org, :m, 'in_progress');
SELECT is(pg_temp.close_api(:org, :c, 'investigating'),
          format('SQ002: deviation %s cannot be closed: measure %s was carried out but not followed up', :c, :m),
          'closure with a measure carried out but not evaluated: refused through the API (it counts as not closed)');
SELECT is(pg_temp.close_direct(:org, :c),
          format('SQ002: deviation %s cannot be closed: measure %s was carried out but not followed up', :c, :m),
          'closure with a measure carried out but not evaluated: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.close_direct(:org, :c, 'Behövs inte'),
          format('SQ002: deviation %s cannot be closed: measure %s was carried out but not followed up', :c, :m),
          'a "no measure needed" does not excuse a measure not followed up');
SELECT sqm.evaluate_measure(:org, :m, 'done', 'partly');
SELECT is(pg_temp.close_api(:org, :c, 'investigating'), 'ok',
          'closure once every measure is carried out and evaluated (partly: no new measure needed)');
-- every measure cancelled is no measure
SELECT pg_temp.dev(:org, :ua, 'investigating') AS c \gset
SELECT pg_temp.mea(:org, :c, 'cancelled') AS m \gset
SELECT pg_temp.mea(:org, :c, 'cancelled') AS m2 \gset
SELECT is(pg_temp.try(format('SELECT sqm.move_object(''deviation'', %s, %s, ''investigating'', ''measures_decided'')', :org, :c)),
          format('SQ002: deviation %s cannot have measures decided: no measure is linked to it', :c),
          'every measure cancelled does not count as measures decided: refused through the API');
SELECT is(pg_temp.try(format('UPDATE sqm.deviation SET state = ''measures_decided'' WHERE id = %s', :c)),
          format('SQ002: deviation %s cannot have measures decided: no measure is linked to it', :c),
          'every measure cancelled does not count as measures decided: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.close_api(:org, :c, 'investigating'),
          format('SQ002: deviation %s cannot be closed: no measure was carried out and no reason says none is needed', :c),
          'closure when every measure was cancelled and no reason is given: refused through the API');
SELECT is(pg_temp.close_direct(:org, :c),
          format('SQ002: deviation %s cannot be closed: no measure was carried out and no reason says none is needed', :c),
          'closure when every measure was cancelled: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.close_api(:org, :c, 'investigating', 'Åtgärderna ersattes av en ändrad rutin'), 'ok',
          'closure when every measure was cancelled with a reason and "no measure needed" is justified');
SELECT pg_temp.mea(:org, :c, 'planned') AS m3 \gset
SELECT is(pg_temp.try(format('SELECT sqm.move_object(''deviation'', %s, %s, ''investigating'', ''measures_decided'')', :org, :c)), 'ok',
          'one measure that is not cancelled beside cancelled ones: measures are decided');
-- a measure without effect calls for a new measure
SET LOCAL sqm.frozen_now = '2025-03-03 10:00+01';
SELECT pg_temp.dev(:org, :ua, 'investigating') AS c \gset
SELECT pg_temp.mea(:org, :c, 'in_progress') AS m_early \gset
SET LOCAL sqm.frozen_now = '2025-03-03 10:05+01';
SELECT pg_temp.mea(:org, :c, 'evaluated', 'no') AS m_no \gset
SELECT sqm.complete_measure(:org, :m_early, 'in_progress');
SELECT sqm.evaluate_measure(:org, :m_early, 'done', 'yes');
SELECT is(pg_temp.close_api(:org, :c, 'investigating'),
          format('SQ002: deviation %s cannot be closed: measure %s had no effect and no new measure was planned after it', :c, :m_no),
          'a measure without effect and none after it: closure refused through the API');
SELECT is(pg_temp.close_direct(:org, :c),
          format('SQ002: deviation %s cannot be closed: measure %s had no effect and no new measure was planned after it', :c, :m_no),
          'a measure without effect: closure refused directly, same SQLSTATE and message');
SET LOCAL sqm.frozen_now = '2025-03-04 10:00+01';
SELECT pg_temp.mea(:org, :c, 'cancelled') AS m_new \gset
SELECT is(pg_temp.close_api(:org, :c, 'investigating'),
          format('SQ002: deviation %s cannot be closed: measure %s had no effect and no new measure was planned after it', :c, :m_no),
          'a new measure that was cancelled is no new measure');
SELECT pg_temp.mea(:org, :c, 'evaluated', 'yes') AS m_new \gset
SELECT is(pg_temp.close_api(:org, :c, 'investigating'), 'ok',
          'a new measure planned after the evaluation, carried out and evaluated: closure allowed');
SELECT is(pg_temp.try(format('SELECT sqm.record_no_new_measure(%s, %s, ''investigating'', ''  '')', :org, :c)),
          format('23514: the reason why deviation %s needs no new measure is empty', :c),
          'a blank reason for no new measure: refused through the API');
SELECT is(pg_temp.try(format('UPDATE sqm.deviation_detail SET no_new_measure_reason = ''  '' WHERE id = %s', :c)),
          format('23514: the reason why deviation %s needs no new measure is empty', :c),
          'a blank reason for no new measure: refused directly, same SQLSTATE and message');
SET LOCAL sqm.frozen_now = '2025-03-03 10:00+01';
SELECT pg_temp.dev(:org, :ua, 'investigating') AS c \gset
SELECT pg_temp.mea(:org, :c, 'evaluated', 'no') AS m_no \gset
SELECT is(pg_temp.try(format('SELECT sqm.record_no_new_measure(%s, %s, ''investigating'', ''Verksamheten läggs ned'');
                               SELECT sqm.close_deviation(%1$s, %2$s, ''investigating'')', :org, :c)), 'ok',
          'a measure without effect and a justified "no new measure": closure allowed through the API');
SELECT is(pg_temp.try(format('UPDATE sqm.deviation_detail SET no_new_measure_reason = ''Verksamheten läggs ned'' WHERE id = %s;
                               UPDATE sqm.deviation SET state = ''closed'', closed_at = sqm.now() WHERE id = %s', :c, :c)), 'ok',
          'and directly');
SELECT pg_temp.mea(:org, :c, 'evaluated', 'yes') AS m_same \gset
SELECT is(pg_temp.close_api(:org, :c, 'investigating'), 'ok',
          'a measure planned the moment the other was evaluated counts as new');
SELECT pg_temp.dev(:org, :ua, 'investigating') AS c \gset
SELECT pg_temp.mea(:org, :c, 'in_progress') AS m_before \gset
SET LOCAL sqm.frozen_now = '2025-03-05 10:00+01';
SELECT pg_temp.mea(:org, :c, 'evaluated', 'no') AS m_no \gset
SELECT sqm.complete_measure(:org, :m_before, 'in_progress');
SELECT sqm.evaluate_measure(:org, :m_before, 'done', 'yes');
SELECT is(pg_temp.close_api(:org, :c, 'investigating'),
          format('SQ002: deviation %s cannot be closed: measure %s had no effect and no new measure was planned after it', :c, :m_no),
          'a measure planned before the ineffective one was evaluated is not the new measure it calls for');
SET LOCAL sqm.frozen_now = '2025-03-03 10:00+01';

-- ====================================================================
-- Measures: the row check (measure.c, sqm.measure_check)
-- ====================================================================
SELECT pg_temp.dev(:org, :ua, 'investigating') AS closed_dev \gset
SELECT sqm.close_deviation(:org, :closed_dev, 'investigating', 'Rättat direkt');
SELECT pg_temp.dev(:org, :ua, 'reported') AS wd \gset
SELECT sqm.withdraw_deviation(:org, :wd, 'reported', 'Dubblett');
CREATE FUNCTION pg_temp.plan_direct(org bigint, kind text, src bigint, u bigint) RETURNS text LANGUAGE sql AS $$
    SELECT pg_temp.try(format('INSERT INTO sqm.measure (org_id, state, unit_id, source_kind, source_id, due_on, follow_up_on)
                               VALUES (%s, ''planned'', %s, %L, %s, ''2025-04-01'', ''2025-05-01'')', org, u, kind, src))
$$;
SELECT is(pg_temp.try(format('SELECT sqm.plan_measure(%s, ''deviation'', %s, ''x'', ''y'', ''2025-04-01'', ''2025-05-01'')', :org, :closed_dev)),
          format('SQ004: no measure can be planned for deviation %s, which is closed', :closed_dev),
          'no measure for a closed deviation: refused through the API');
SELECT is(pg_temp.plan_direct(:org, 'deviation', :closed_dev, :ua),
          format('SQ004: no measure can be planned for deviation %s, which is closed', :closed_dev),
          'no measure for a closed deviation: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.try(format('SELECT sqm.plan_measure(%s, ''deviation'', %s, ''x'', ''y'', ''2025-04-01'', ''2025-05-01'')', :org, :wd)),
          format('SQ004: no measure can be planned for deviation %s, which is withdrawn', :wd),
          'no measure for a withdrawn deviation: refused through the API');
SELECT is(pg_temp.plan_direct(:org, 'deviation', :wd, :ua),
          format('SQ004: no measure can be planned for deviation %s, which is withdrawn', :wd),
          'no measure for a withdrawn deviation: refused directly');
SELECT pg_temp.inv(:org, :ua, 'closed') AS closed_inv \gset
SELECT is(pg_temp.try(format('SELECT sqm.plan_measure(%s, ''lex_sarah_investigation'', %s, ''x'', ''y'', ''2025-04-01'', ''2025-05-01'')', :org, :closed_inv)),
          format('SQ004: no measure can be planned for lex Sarah investigation %s, which is closed', :closed_inv),
          'no measure for a closed case of another kind: refused through the API');
SELECT is(pg_temp.plan_direct(:org, 'lex_sarah_investigation', :closed_inv, :ua),
          format('SQ004: no measure can be planned for lex Sarah investigation %s, which is closed', :closed_inv),
          'no measure for a closed case of another kind: refused directly');
SELECT is(pg_temp.plan_direct(:org, 'deviation', :d_inv, :ua), 'ok',
          'a measure for a deviation whose measures are decided (not terminal) is allowed, directly too');
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.plan_direct(:org, 'deviation', :b1, :ua),
          format('23503: measure %s is decided for deviation %s, which does not exist in organisation %s', :next, :b1, :org),
          'a direct measure for a case that does not exist in the organisation is refused');
SELECT is(pg_temp.try(format('UPDATE sqm.measure SET source_id = %s WHERE id = %s', :d_bare, :m_dec)),
          format('55000: measure %s cannot change the object it was decided for', :m_dec),
          'a measure keeps the case it was decided for');
-- dates move only with a reason, and the audit trail keeps the change
SELECT is(pg_temp.try(format('SELECT sqm.reschedule_measure(%s, %s, ''planned'', NULL, ''2025-06-01'', NULL)', :org, :m_dec)),
          format('SQ002: measure %s cannot be rescheduled without a reason', :m_dec),
          'a follow-up date moved without a reason: refused through the API');
SELECT is(pg_temp.try(format('UPDATE sqm.measure SET follow_up_on = ''2025-06-01'' WHERE id = %s', :m_dec)),
          format('SQ002: measure %s cannot be rescheduled without a reason', :m_dec),
          'a follow-up date moved without a reason: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.try(format('SELECT sqm.reschedule_measure(%s, %s, ''planned'', ''2025-04-15'', NULL, ''   '')', :org, :m_dec)),
          format('SQ002: measure %s cannot be rescheduled without a reason', :m_dec),
          'a due date moved with a blank reason: refused through the API');
SELECT is(pg_temp.try(format('UPDATE sqm.measure SET due_on = ''2025-04-15'' WHERE id = %s', :m_dec)),
          format('SQ002: measure %s cannot be rescheduled without a reason', :m_dec),
          'a due date moved without a reason: refused directly');
SELECT is(pg_temp.try(format('SELECT sqm.audit_set_context(''direct'', ''Semester''); UPDATE sqm.measure SET due_on = ''2025-04-15'' WHERE id = %s; SELECT sqm.audit_clear_context()', :m_dec)), 'ok',
          'a direct writer (the owner) who gives the reason in the write''s context may move the date');
SELECT is(pg_temp.try(format('SET LOCAL sqm.reason = ''Semester''; UPDATE sqm.measure SET due_on = ''2025-04-16'' WHERE id = %s', :m_dec)),
          format('SQ002: measure %s cannot be rescheduled without a reason', :m_dec),
          'a setting any role can change is no reason');
SELECT lives_ok(format('SELECT sqm.reschedule_measure(%s, %s, ''planned'', ''2025-04-20'', ''2026-04-30'', ''Uppföljningen flyttas till våren'')',
                       :org, :m_dec), 'both dates moved with a reason through the API');
SELECT is((SELECT (change, before, after, reason)::text FROM sqm.audit_trail WHERE object_id = :m_dec ORDER BY seq DESC LIMIT 1),
          '(edit,"{""due_on"": ""2025-04-01"", ""follow_up_on"": ""2025-05-01""}","{""due_on"": ""2025-04-20"", ""follow_up_on"": ""2026-04-30""}","Uppföljningen flyttas till våren")',
          'the audit trail keeps the change: both dates before and after, and the reason');
SELECT is(pg_temp.try(format('UPDATE sqm.measure SET term = ''long'' WHERE id = %s', :m_dec)), 'ok',
          'an edit that moves no date needs no reason');
SELECT is(pg_temp.try(format('SELECT sqm.reschedule_measure(%s, %s, ''evaluated'', NULL, ''2025-06-01'', ''Sent'')', :org, :m_same)),
          format('SQ004: measure %s is in terminal state "evaluated" and cannot be changed', :m_same),
          'an evaluated measure is not rescheduled');

-- ====================================================================
-- Lex Sarah reports: the row check (lex_sarah.c, sqm.lex_sarah_report_check)
-- ====================================================================
CREATE FUNCTION pg_temp.ls_api(org bigint, u bigint, regime text, happened text, reported text) RETURNS text LANGUAGE sql AS $$
    SELECT pg_temp.try(format('SELECT sqm.report_lex_sarah(%s, %s, %L, %L, ''x'', ''A'', ''B'', %L)', org, u, regime, happened, reported))
$$;
CREATE FUNCTION pg_temp.ls_direct(org bigint, id bigint, u bigint, regime text, happened text, reported text,
                                  basis text DEFAULT 'sol_2001_ch14') RETURNS text LANGUAGE sql AS $$
    SELECT pg_temp.try(format('INSERT INTO sqm.lex_sarah_report (org_id, id, state, unit_id, regime, happened_at, reported_at, legal_basis)
                               VALUES (%s, %s, ''reported'', %s, %L, %L, %L, %L)', org, id, u, regime, happened, reported, basis))
$$;
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.ls_api(:org, :ua, 'HSL', '2025-03-01', '2025-03-02'),
          format('23514: lex Sarah report %s cannot be made under HSL', :next),
          'a lex Sarah report under HSL: refused through the API');
SELECT is(pg_temp.ls_direct(:org, :next, :ua, 'HSL', '2025-03-01', '2025-03-02'),
          format('23514: lex Sarah report %s cannot be made under HSL', :next),
          'a lex Sarah report under HSL: refused directly, same SQLSTATE and message');
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.ls_api(:org, :ua, 'SoL', '2025-03-01', '2025-03-03 10:00:01+01'),
          format('23514: lex Sarah report %s cannot be made at 2025-03-03 10:00:01+01, which is in the future', :next),
          'a lex Sarah report in the future: refused through the API');
SELECT is(pg_temp.ls_direct(:org, :next, :ua, 'SoL', '2025-03-01', '2025-03-03 10:00:01+01'),
          format('23514: lex Sarah report %s cannot be made at 2025-03-03 10:00:01+01, which is in the future', :next),
          'a lex Sarah report in the future: refused directly, same SQLSTATE and message');
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.ls_api(:org, :ua, 'SoL', '2025-03-02 10:00:01+01', '2025-03-02 10:00+01'),
          format('23514: lex Sarah report %s made at 2025-03-02 10:00:00+01 cannot be about an event at 2025-03-02 10:00:01+01', :next),
          'a lex Sarah report before its event: refused through the API');
SELECT is(pg_temp.ls_direct(:org, :next, :ua, 'SoL', '2025-03-02 10:00:01+01', '2025-03-02 10:00+01'),
          format('23514: lex Sarah report %s made at 2025-03-02 10:00:00+01 cannot be about an event at 2025-03-02 10:00:01+01', :next),
          'a lex Sarah report before its event: refused directly, same SQLSTATE and message');
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.ls_api(:org, :uc, 'SoL', '2025-01-01', '2025-01-02'),
          format('23503: unit %s of organisation %s did not exist on 2025-01-02, the report date of lex Sarah report %s', :uc, :org, :next),
          'a lex Sarah report for a unit that had ended: refused through the API');
SELECT is(pg_temp.ls_direct(:org, :next, :uc, 'SoL', '2025-01-01', '2025-01-02'),
          format('23503: unit %s of organisation %s did not exist on 2025-01-02, the report date of lex Sarah report %s', :uc, :org, :next),
          'a lex Sarah report for a unit that had ended: refused directly, same SQLSTATE and message');
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.ls_direct(:org, :next, :ua, 'LSS', '2025-03-01', '2025-03-02', 'sol_2001_ch14'),
          format('23514: legal basis "sol_2001_ch14" does not apply to lex Sarah report %s, a LSS event on 2025-03-01', :next),
          'a basis of another regime is refused');
SELECT is(pg_temp.ls_direct(:org, :next, :ua, 'LSS', '2025-03-01', '2025-03-02', 'lss_24b_24g'), 'ok',
          'the basis in force for the regime on the event date is allowed');
-- received between the report and now
SELECT sqm.report_lex_sarah(:org, :ua, 'SoL', '2025-03-01 08:00+01', 'Händelse', 'A', 'B', '2025-03-01 09:00+01') AS lr \gset
SELECT is(pg_temp.try(format('SELECT sqm.receive_lex_sarah(%s, %s, ''2025-03-01 08:59+01'')', :org, :lr)),
          format('23514: lex Sarah report %s cannot be received at 2025-03-01 08:59:00+01', :lr),
          'received before it was reported: refused through the API');
SELECT is(pg_temp.try(format('UPDATE sqm.lex_sarah_report SET received_at = ''2025-03-01 08:59+01'' WHERE id = %s', :lr)),
          format('23514: lex Sarah report %s cannot be received at 2025-03-01 08:59:00+01', :lr),
          'received before it was reported: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.try(format('SELECT sqm.receive_lex_sarah(%s, %s, ''2025-03-03 10:00:01+01'')', :org, :lr)),
          format('23514: lex Sarah report %s cannot be received at 2025-03-03 10:00:01+01', :lr),
          'received in the future: refused through the API');
SELECT is(pg_temp.try(format('UPDATE sqm.lex_sarah_report SET received_at = ''2025-03-03 10:00:01+01'' WHERE id = %s', :lr)),
          format('23514: lex Sarah report %s cannot be received at 2025-03-03 10:00:01+01', :lr),
          'received in the future: refused directly');
SELECT is(pg_temp.try(format('SELECT sqm.receive_lex_sarah(%s, %s, ''2025-03-01 09:00+01'')', :org, :lr)), 'ok',
          'received the moment it was reported is allowed');
-- no report added to a completed or closed investigation
SELECT pg_temp.inv(:org, :ua, 'completed') AS completed_inv \gset
CREATE FUNCTION pg_temp.assign_direct(org bigint, r bigint, i bigint) RETURNS text LANGUAGE sql AS $$
    SELECT pg_temp.try(format('UPDATE sqm.lex_sarah_report SET state = ''assigned'', investigation_id = %s, assigned_at = sqm.now(),
                                      received_at = coalesce(received_at, sqm.now())
                                WHERE org_id = %s AND id = %s', i, org, r))
$$;
SELECT is(pg_temp.try(format('SELECT sqm.assign_lex_sarah_report(%s, %s, %s)', :org, :lr, :completed_inv)),
          format('SQ004: lex Sarah investigation %s is completed; no report can be added to it', :completed_inv),
          'no report added to a completed investigation: refused through the API');
SELECT is(pg_temp.assign_direct(:org, :lr, :completed_inv),
          format('SQ004: lex Sarah investigation %s is completed; no report can be added to it', :completed_inv),
          'no report added to a completed investigation: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.try(format('SELECT sqm.assign_lex_sarah_report(%s, %s, %s)', :org, :lr, :closed_inv)),
          format('SQ004: lex Sarah investigation %s is closed; no report can be added to it', :closed_inv),
          'no report added to a closed investigation: refused through the API');
SELECT is(pg_temp.assign_direct(:org, :lr, :closed_inv),
          format('SQ004: lex Sarah investigation %s is closed; no report can be added to it', :closed_inv),
          'no report added to a closed investigation: refused directly');
SELECT pg_temp.inv(:org, :ua, 'assessed') AS assessed_inv \gset
SELECT is(pg_temp.assign_direct(:org, :lr, :assessed_inv), 'ok',
          'a report may join an assessed investigation (not yet completed)');

-- ====================================================================
-- Lex Sarah investigations (sqm.lex_sarah_investigation_check)
-- ====================================================================
SELECT pg_temp.inv(:org, :ua, 'under_investigation') AS ti \gset
CREATE FUNCTION pg_temp.themes_api(org bigint, i bigint, themes text) RETURNS text LANGUAGE sql AS $$
    SELECT pg_temp.try(format('SELECT sqm.assess_lex_sarah(%s, %s, ''under_investigation'', ''impropriety'', %L)', org, i, themes))
$$;
CREATE FUNCTION pg_temp.themes_direct(org bigint, i bigint, themes text) RETURNS text LANGUAGE sql AS $$
    SELECT pg_temp.try(format('UPDATE sqm.lex_sarah_investigation SET state = ''assessed'', outcome = ''impropriety'', assessed_at = sqm.now(),
                                      themes = %L WHERE org_id = %s AND id = %s', themes, org, i))
$$;
SELECT is(pg_temp.themes_api(:org, :ti, '{okand}'),
          format('23503: lex Sarah investigation %s names themes that organisation %s does not use on 2025-03-03: okand', :ti, :org),
          'a theme outside the taxonomy: refused through the API');
SELECT is(pg_temp.themes_direct(:org, :ti, '{okand}'),
          format('23503: lex Sarah investigation %s names themes that organisation %s does not use on 2025-03-03: okand', :ti, :org),
          'a theme outside the taxonomy: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.themes_api(:org, :ti, '{gammalt}'),
          format('23503: lex Sarah investigation %s names themes that organisation %s does not use on 2025-03-03: gammalt', :ti, :org),
          'a theme that has ended: refused through the API');
SELECT is(pg_temp.themes_direct(:org, :ti, '{gammalt}'),
          format('23503: lex Sarah investigation %s names themes that organisation %s does not use on 2025-03-03: gammalt', :ti, :org),
          'a theme that has ended: refused directly');
SELECT is(pg_temp.themes_api(:org, :ti, '{kommande}'),
          format('23503: lex Sarah investigation %s names themes that organisation %s does not use on 2025-03-03: kommande', :ti, :org),
          'a theme not yet valid: refused through the API');
SELECT is(pg_temp.themes_direct(:org, :ti, '{bemotande,annans}'),
          format('23503: lex Sarah investigation %s names themes that organisation %s does not use on 2025-03-03: annans', :ti, :org),
          'another organisation''s theme: refused directly, naming only it');
SELECT is(pg_temp.themes_api(:org, :ti, '{bemotande}'), 'ok', 'a theme valid on the day is allowed');
-- the assessment is final once completed
SELECT is(pg_temp.try(format('UPDATE sqm.lex_sarah_investigation SET outcome = ''no_impropriety'' WHERE id = %s', :completed_inv)),
          format('SQ004: the assessment of lex Sarah investigation %s cannot change once it is completed', :completed_inv),
          'the outcome of a completed investigation cannot be edited directly');
SELECT is(pg_temp.try(format('UPDATE sqm.lex_sarah_investigation SET themes = ''{bemotande}'' WHERE id = %s', :completed_inv)),
          format('SQ004: the assessment of lex Sarah investigation %s cannot change once it is completed', :completed_inv),
          'nor its themes');
SELECT is(pg_temp.try(format('UPDATE sqm.lex_sarah_investigation SET seriousness_decided_at = sqm.now() WHERE id = %s', :completed_inv)),
          format('SQ004: the assessment of lex Sarah investigation %s cannot change once it is completed', :completed_inv),
          'nor when seriousness was decided');
SELECT is(pg_temp.try(format('UPDATE sqm.lex_sarah_investigation SET assessed_at = sqm.now() - interval ''1 hour'' WHERE id = %s', :completed_inv)),
          format('SQ004: the assessment of lex Sarah investigation %s cannot change once it is completed', :completed_inv),
          'nor when it was assessed');
SELECT is(pg_temp.try(format('SELECT sqm.assess_lex_sarah(%s, %s, ''completed'', ''serious_impropriety'')', :org, :completed_inv)),
          format('SQ001: illegal move of lex Sarah investigation %s from "completed" to "assessed"', :completed_inv),
          'through the API a completed investigation is not assessed again');
SELECT is(pg_temp.try(format('UPDATE sqm.lex_sarah_investigation SET state = ''assessed'', outcome = ''serious_impropriety'' WHERE id = %s', :completed_inv)),
          format('SQ001: illegal move of lex Sarah investigation %s from "completed" to "assessed"', :completed_inv),
          'nor directly: the same SQLSTATE and message');
SELECT pg_temp.inv(:org, :ua, 'completed', 'serious_impropriety') AS serious_inv \gset
SELECT is(pg_temp.try(format('UPDATE sqm.lex_sarah_investigation SET state = ''closed'', closed_at = sqm.now(), outcome = ''impropriety'' WHERE id = %s', :serious_inv)),
          format('SQ004: the assessment of lex Sarah investigation %s cannot change once it is completed', :serious_inv),
          'a direct writer cannot lower a serious outcome to close without notifying IVO');
SELECT is(pg_temp.try(format('UPDATE sqm.lex_sarah_investigation SET state = ''closed'', closed_at = sqm.now() WHERE id = %s', :completed_inv)), 'ok',
          'closing a completed investigation (no assessment column changed) is allowed');

-- ====================================================================
-- IVO notifications (sqm.ivo_notification_check) and closure of a serious
-- investigation (sqm.guard_lex_sarah_closable)
-- ====================================================================
CREATE FUNCTION pg_temp.draft_direct(org bigint, id bigint, u bigint, i bigint) RETURNS text LANGUAGE sql AS $$
    SELECT pg_temp.try(format('INSERT INTO sqm.ivo_notification (org_id, id, state, unit_id, investigation_id, drafted_at)
                               VALUES (%s, %s, ''draft'', %s, %s, sqm.now())', org, id, u, i))
$$;
SELECT pg_temp.inv(:org, :ua, 'under_investigation') AS ni \gset
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.try(format('SELECT sqm.draft_ivo_notification(%s, %s, ''Anmälan'')', :org, :ni)),
          format('SQ002: lex Sarah investigation %s is not assessed as serious; no IVO notification can be drafted', :ni),
          'a notification without an outcome: refused through the API');
SELECT is(pg_temp.draft_direct(:org, :next, :ua, :ni),
          format('SQ002: lex Sarah investigation %s is not assessed as serious; no IVO notification can be drafted', :ni),
          'a notification without an outcome: refused directly, same SQLSTATE and message');
SELECT sqm.assess_lex_sarah(:org, :ni, 'under_investigation', 'impropriety');
SELECT is(pg_temp.try(format('SELECT sqm.draft_ivo_notification(%s, %s, ''Anmälan'')', :org, :ni)),
          format('SQ002: lex Sarah investigation %s is not assessed as serious; no IVO notification can be drafted', :ni),
          'a notification for an impropriety (the most severe outcome that is not serious): refused through the API');
SELECT is(pg_temp.draft_direct(:org, :next, :ua, :ni),
          format('SQ002: lex Sarah investigation %s is not assessed as serious; no IVO notification can be drafted', :ni),
          'a notification for an impropriety: refused directly');
SELECT sqm.assess_lex_sarah(:org, :ni, 'assessed', 'risk_of_serious_impropriety');
SELECT is(pg_temp.draft_direct(:org, :next, :ua, :ni), 'ok',
          'a tangible risk of a serious impropriety (the least severe serious outcome) is notified');
SELECT sqm.draft_ivo_notification(:org, :ni, 'Anmälan') AS n1 \gset
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.try(format('SELECT sqm.draft_ivo_notification(%s, %s, ''Igen'')', :org, :ni)),
          format('23505: lex Sarah investigation %s already has IVO notification %s', :ni, :n1),
          'a second notification: refused through the API');
SELECT is(pg_temp.draft_direct(:org, :next, :ua, :ni),
          format('23505: lex Sarah investigation %s already has IVO notification %s', :ni, :n1),
          'a second notification: refused directly, same SQLSTATE and message');
-- a serious investigation closes only once its notification is sent
SELECT sqm.record_lex_sarah(:org, :ni, i.item, 'x', 'intervju', 'fact', 'Carin', 'utredare', NULL,
                            CASE WHEN i.item = 'measure' THEN date '2025-02-20' END)
  FROM sqm.lex_sarah_item i WHERE i.required \g /dev/null
SELECT sqm.complete_lex_sarah(:org, :ni, 'assessed');
SELECT is(pg_temp.try(format('SELECT sqm.close_lex_sarah(%s, %s, ''completed'')', :org, :ni)),
          format('SQ002: lex Sarah investigation %s cannot be closed: it is assessed as risk_of_serious_impropriety and no IVO notification has been sent', :ni),
          'a serious investigation with a drafted but unsent notification cannot close: through the API');
SELECT is(pg_temp.try(format('UPDATE sqm.lex_sarah_investigation SET state = ''closed'', closed_at = sqm.now() WHERE id = %s', :ni)),
          format('SQ002: lex Sarah investigation %s cannot be closed: it is assessed as risk_of_serious_impropriety and no IVO notification has been sent', :ni),
          'a serious investigation with a drafted but unsent notification cannot close: directly, same SQLSTATE and message');
SELECT sqm.withdraw_ivo_notification(:org, :n1, 'draft', 'Fel innehåll');
SELECT is(pg_temp.try(format('SELECT sqm.close_lex_sarah(%s, %s, ''completed'')', :org, :ni)),
          format('SQ002: lex Sarah investigation %s cannot be closed: it is assessed as risk_of_serious_impropriety and no IVO notification has been sent', :ni),
          'nor with a withdrawn notification');
SELECT is(pg_temp.try(format('SELECT sqm.draft_ivo_notification(%s, %s, ''Ny anmälan'')', :org, :ni)), 'ok',
          'a withdrawn notification makes room for a new one');
SELECT sqm.draft_ivo_notification(:org, :ni, 'Ny anmälan') AS n2 \gset
SELECT sqm.send_ivo_notification(:org, :n2, 'draft', 'SN 2025/901', 'Ordföranden');
SELECT is(pg_temp.try(format('SELECT sqm.close_lex_sarah(%s, %s, ''completed'')', :org, :ni)), 'ok',
          'with its notification sent, a serious investigation closes');

-- ====================================================================
-- Lex Sarah records (sqm.lex_sarah_record_check, a record table's row check)
-- ====================================================================
CREATE FUNCTION pg_temp.rec_api(org bigint, i bigint, item text, nature text DEFAULT 'fact', source text DEFAULT 'intervju',
                                at text DEFAULT NULL, measure_date text DEFAULT NULL) RETURNS text LANGUAGE sql AS $$
    SELECT pg_temp.try(format('SELECT sqm.record_lex_sarah(%s, %s, %L, ''Innehåll'', %L, %L, ''Carin'', ''utredare'', %L, %L)',
                              org, i, item, source, nature, at, measure_date))
$$;
CREATE FUNCTION pg_temp.rec_direct(org bigint, i bigint, item text, nature text DEFAULT 'fact', source text DEFAULT 'intervju',
                                   at text DEFAULT NULL, measure_date text DEFAULT NULL) RETURNS text LANGUAGE sql AS $$
    SELECT pg_temp.try(format('INSERT INTO sqm.lex_sarah_record (org_id, investigation_id, item, content, recorded_at, source, nature,
                                      recorded_by_name, recorded_by_title, measure_date, entered_at, entered_by)
                               VALUES (%s, %s, %L, ''Innehåll'', coalesce(%L::timestamptz, sqm.now()), %L, %L, ''Carin'', ''utredare'', %L, sqm.now(), ''x'')',
                              org, i, item, at, source, nature, measure_date))
$$;
SELECT is(pg_temp.rec_api(:org, :closed_inv, 'other'),
          format('SQ004: lex Sarah investigation %s is closed; nothing more can be recorded in it', :closed_inv),
          'nothing recorded in a closed investigation: refused through the API');
SELECT is(pg_temp.rec_direct(:org, :closed_inv, 'other'),
          format('SQ004: lex Sarah investigation %s is closed; nothing more can be recorded in it', :closed_inv),
          'nothing recorded in a closed investigation: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.rec_direct(:org, :serious_inv, 'other'), 'ok', 'a record in a completed investigation is allowed');
SELECT is(pg_temp.rec_api(:org, :ti, 'gossip'),
          format('23503: unknown item "gossip" for a record of lex Sarah investigation %s', :ti),
          'an unknown item: refused through the API');
SELECT is(pg_temp.rec_direct(:org, :ti, 'gossip'),
          format('23503: unknown item "gossip" for a record of lex Sarah investigation %s', :ti),
          'an unknown item: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.rec_api(:org, :ti, 'causes', 'fact', ' '),
          format('23502: a record of lex Sarah investigation %s needs source', :ti),
          'a record without its source: refused through the API');
SELECT is(pg_temp.rec_direct(:org, :ti, 'causes', 'fact', ' '),
          format('23502: a record of lex Sarah investigation %s needs source', :ti),
          'a record without its source: refused directly, same SQLSTATE and message');
SELECT is(pg_temp.rec_api(:org, :ti, 'causes', 'guess'),
          format('23514: a record of lex Sarah investigation %s is a fact or an assessment, not "guess"', :ti),
          'a record that is neither fact nor assessment: refused through the API');
SELECT is(pg_temp.rec_direct(:org, :ti, 'causes', 'guess'),
          format('23514: a record of lex Sarah investigation %s is a fact or an assessment, not "guess"', :ti),
          'a record that is neither fact nor assessment: refused directly');
SELECT is(pg_temp.rec_api(:org, :ti, 'measure'),
          format('23502: a measure recorded in lex Sarah investigation %s needs the date it was taken', :ti),
          'a measure without its date: refused through the API');
SELECT is(pg_temp.rec_direct(:org, :ti, 'measure'),
          format('23502: a measure recorded in lex Sarah investigation %s needs the date it was taken', :ti),
          'a measure without its date: refused directly');
SELECT is(pg_temp.rec_api(:org, :ti, 'causes', 'fact', 'intervju', NULL, '2025-03-01'),
          format('23514: only a measure carries a measure date (lex Sarah investigation %s, item causes)', :ti),
          'a measure date on another item: refused through the API');
SELECT is(pg_temp.rec_direct(:org, :ti, 'causes', 'fact', 'intervju', NULL, '2025-03-01'),
          format('23514: only a measure carries a measure date (lex Sarah investigation %s, item causes)', :ti),
          'a measure date on another item: refused directly');
SELECT is(pg_temp.rec_api(:org, :ti, 'causes', 'assessment', 'intervju', '2025-03-03 10:00:01+01'),
          format('23514: a record of lex Sarah investigation %s cannot be dated 2025-03-03 10:00:01+01, which is in the future', :ti),
          'a record dated in the future: refused through the API');
SELECT is(pg_temp.rec_direct(:org, :ti, 'causes', 'assessment', 'intervju', '2025-03-03 10:00:01+01'),
          format('23514: a record of lex Sarah investigation %s cannot be dated 2025-03-03 10:00:01+01, which is in the future', :ti),
          'a record dated in the future: refused directly');
SELECT is(pg_temp.rec_api(:org, :ti, 'measure', 'fact', 'intervju', '2025-03-03 10:00+01', '2025-03-01'), 'ok',
          'a measure with its date, recorded now, is allowed');

-- ====================================================================
-- Statistics: a multi-unit investigation counts once in the total and once
-- per unit
-- ====================================================================
SELECT sqm.create_organisation('Statistik', 'SN') AS so \gset
SELECT sqm.create_unit(:so, 'Enhet X', 'unit', '2024-01-01') AS sx \gset
SELECT sqm.create_unit(:so, 'Enhet Y', 'unit', '2024-01-01') AS sy \gset
SELECT sqm.open_lex_sarah_investigation(:so, :sx, ARRAY[
         sqm.report_lex_sarah(:so, :sx, 'SoL', '2025-02-01', 'Samma händelse', 'A', 'B', '2025-02-02'),
         sqm.report_lex_sarah(:so, :sy, 'SoL', '2025-02-01', 'Samma händelse', 'C', 'D', '2025-02-02'),
         sqm.report_lex_sarah(:so, :sy, 'SoL', '2025-02-01', 'Samma händelse igen', 'E', 'F', '2025-02-02')]) AS multi \gset
SELECT sqm.start_lex_sarah_investigation(:so, :multi, 'opened');
SELECT sqm.assess_lex_sarah(:so, :multi, 'under_investigation', 'impropriety');
SELECT sqm.record_lex_sarah(:so, :multi, i.item, 'x', 'intervju', 'fact', 'Carin', 'utredare', NULL,
                            CASE WHEN i.item = 'measure' THEN date '2025-02-20' END)
  FROM sqm.lex_sarah_item i WHERE i.required \g /dev/null
SELECT sqm.complete_lex_sarah(:so, :multi, 'assessed');
SELECT is((SELECT string_agg(unit_name || ' ' || cases, ', ' ORDER BY unit_id) FROM sqm.lex_sarah_per_unit(:so, '2025'))
          || (SELECT format(', total %s (%s in several rows)', cases, counted_in_several_rows)
                FROM sqm.stat_lex_sarah_per_unit_total WHERE org_id = :so AND period = '2025' AND attribution = 'today'),
          'Enhet X 1, Enhet Y 1, total 1 (1 in several rows)',
          'an investigation of reports from two units counts once per unit (two reports of one unit: once) and once in the total');
SELECT is((SELECT investigations_completed FROM sqm.stat_lex_sarah_summary
            WHERE org_id = :so AND period = '2025' AND period_kind = 'year'), 1,
          'and once in the yearly summary');

-- ====================================================================
-- Caches: the reference data is read once, and a change is seen at once
-- ====================================================================
SELECT loads AS loads_before FROM sqm.reference_cache_stats() \gset
SELECT sqm.report_deviation(:org, :ua, 'SoL', '2025-03-01', 'x', '{info}', '2025-03-02') \g /dev/null
SELECT sqm.report_deviation(:org, :ub, 'SoL', '2025-03-01', 'x', '{info}', '2025-03-02') \g /dev/null
SELECT loads AS loads_mid, hits AS hits_mid FROM sqm.reference_cache_stats() \gset
SELECT sqm.report_deviation(:org, :ua, 'SoL', '2025-03-01', 'x', '{info}', '2025-03-02') \g /dev/null
SELECT is((SELECT (loads - :loads_mid, hits > :hits_mid)::text FROM sqm.reference_cache_stats()), '(0,t)',
          'a report of a unit, type and organisation seen before reads no reference table: the caches hit');
SELECT sqm.add_deviation_type(:org, 'ny_typ', 'Ny typ', 'New type', '2025-01-01');
SELECT is(pg_temp.report_api(:org, :ua, '2025-03-01', '2025-03-02', '{ny_typ}'), 'ok',
          'a type added in the same transaction is seen at once (the cache was invalidated)');
SELECT sqm.end_deviation_type(:org, 'ny_typ', '2025-03-01');
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.report_api(:org, :ua, '2025-03-01', '2025-03-02', '{ny_typ}'),
          format('23503: deviation %s has types that organisation %s does not use for SoL reports on 2025-03-02: ny_typ', :next, :org),
          'and its end too');
SELECT sqm.end_unit(:org, :ub, '2025-03-01');
SELECT nextval('sqm.case_id_seq') + 1 AS next \gset
SELECT is(pg_temp.report_api(:org, :ub, '2025-03-02', '2025-03-02 10:00+01'),
          format('23503: unit %s of organisation %s did not exist on 2025-03-02, the report date of deviation %s', :ub, :org, :next),
          'a unit ended in the same transaction is seen at once');
UPDATE sqm.organisation SET time_zone = 'UTC' WHERE org_id = :org;
SELECT is(pg_temp.report_api(:org, :ub, '2025-03-01 12:00+01', '2025-03-02 00:30+01'), 'ok',
          'a changed time zone is seen at once: 00:30 in Stockholm on 2 March is 1 March in UTC, when the unit existed');

-- ====================================================================
-- Every rule in C: no trigger of another language on a table of cases,
-- their details or their records, and every row check is C
-- ====================================================================
SELECT is_empty($$SELECT t.tgrelid::regclass::text || ' ' || t.tgname || ' (' || l.lanname || ')'
                    FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_language l ON l.oid = p.prolang
                   WHERE NOT t.tgisinternal AND l.lanname <> 'c'
                     AND t.tgrelid IN (SELECT c.table_name FROM sqm.column_class c WHERE c.part IN ('case', 'details', 'records'))$$,
                'no trigger on a table of cases, their details or records is written in anything but C');
SELECT is_empty($$SELECT f::text FROM (SELECT row_check FROM sqm.lifecycle_kind WHERE builtin UNION ALL
                                       SELECT guard FROM sqm.lifecycle_move WHERE builtin UNION ALL
                                       SELECT check_fn FROM sqm.row_check WHERE builtin) x(f)
                   JOIN pg_proc p ON p.oid = x.f JOIN pg_language l ON l.oid = p.prolang WHERE l.lanname <> 'c'$$,
                'every row check and guard of sqm''s kinds is C');
SELECT is((SELECT string_agg(table_name::text, ', ' ORDER BY table_name::text) FROM sqm.row_check),
          'sqm.complaint_detail, sqm.data_incident_detail, sqm.deviation_detail, sqm.ivo_answer, sqm.ivo_supplement, sqm.lex_sarah_record, sqm.report_publication',
          'the details and record tables with rules have their row checks');

SELECT * FROM finish();
ROLLBACK;
