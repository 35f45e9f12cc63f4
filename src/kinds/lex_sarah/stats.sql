-- Statistics of lex Sarah (domain.md §3.2, §6): the lex Sarah tables of the
-- yearly quality report, from the same rows the API writes.
--
-- An investigation is counted in the period it was completed (an early close:
-- when it closed) — which is neither the number of reports received nor of
-- investigations started; both are available too.  Per unit, an investigation
-- counts once for each unit whose reports it covers; the total counts it once,
-- and the table says so where the two differ.  No personal data, no free text;
-- views are security_invoker, functions SECURITY INVOKER.

CREATE VIEW sqm.stat_lex_sarah_base WITH (security_invoker = true) AS
SELECT i.org_id,
       i.id AS investigation_id,
       i.state,
       i.outcome,
       sqm.is_serious(i.outcome) AS serious,
       (i.opened_at AT TIME ZONE o.time_zone)::date AS opened_on,
       (i.started_at AT TIME ZONE o.time_zone)::date AS started_on,
       (coalesce(i.completed_at, CASE WHEN i.state OPERATOR(pg_catalog.=) 'closed' THEN i.closed_at END)
          AT TIME ZONE o.time_zone)::date AS completed_on,
       (i.closed_at AT TIME ZONE o.time_zone)::date AS closed_on,
       i.themes,
       EXISTS (SELECT FROM sqm.ivo_notification n
                WHERE n.org_id OPERATOR(pg_catalog.=) i.org_id AND n.investigation_id OPERATOR(pg_catalog.=) i.id
                  AND n.state OPERATOR(pg_catalog.=) 'sent') AS notified,
       (SELECT pg_catalog.array_agg(DISTINCT r.unit_id) FROM sqm.lex_sarah_report r
         WHERE r.org_id OPERATOR(pg_catalog.=) i.org_id AND r.investigation_id OPERATOR(pg_catalog.=) i.id) AS unit_ids
  FROM sqm.lex_sarah_investigation i
  JOIN sqm.organisation o ON o.org_id OPERATOR(pg_catalog.=) i.org_id;
COMMENT ON VIEW sqm.stat_lex_sarah_base IS
  'One row per lex Sarah investigation: dates (opened, started, completed, closed), outcome, serious, notified to IVO, themes and the units of its reports — no personal data, no free text';

CREATE FUNCTION sqm.lex_sarah_per_unit(org bigint, period sqm.period, lang text DEFAULT NULL)
RETURNS TABLE (unit_id bigint, unit text, investigations bigint, previous bigint,
               investigations_shown text, previous_shown text, note text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    WITH done AS (
        SELECT b.investigation_id, u.unit_id, sqm.contains(period, b.completed_on) AS in_cur,
               sqm.contains(sqm.prev(period), b.completed_on) AS in_prv,
               sqm.contains(sqm.prev(sqm.prev(period)), b.completed_on) AS in_prv2
          FROM sqm.stat_lex_sarah_base b CROSS JOIN LATERAL unnest(b.unit_ids) AS u(unit_id)
         WHERE b.org_id = org AND b.completed_on IS NOT NULL
    ), per_unit AS (
        SELECT d.unit_id,
               count(*) FILTER (WHERE d.in_cur) AS cur_n,
               count(*) FILTER (WHERE d.in_prv) AS prv_n,
               count(*) FILTER (WHERE d.in_prv2) AS prv2_n
          FROM done d GROUP BY d.unit_id
    ), totals AS (
        SELECT count(DISTINCT d.investigation_id) FILTER (WHERE d.in_cur) AS cur_n,
               count(DISTINCT d.investigation_id) FILTER (WHERE d.in_prv) AS prv_n,
               count(*) FILTER (WHERE d.in_cur) AS cur_units,
               count(*) FILTER (WHERE d.in_prv) AS prv_units
          FROM done d
    )
    SELECT x.unit_id, x.unit, x.investigations, x.previous, x.investigations_shown, x.previous_shown, x.note
      FROM (
        SELECT p.unit_id, sqm.unit_name(org, p.unit_id, least(sqm.last_day(period),
                 (SELECT max(upper(v.valid)) - 1 FROM sqm.unit_version v WHERE v.org_id = org AND v.unit_id = p.unit_id))) AS unit,
               p.cur_n AS investigations, p.prv_n AS previous,
               CASE WHEN sqm.unit_existed(org, p.unit_id, period) THEN p.cur_n::text ELSE '–' END AS investigations_shown,
               -- the previous period's figure as its own table showed it: "–" where that
               -- table had no row (the unit did not exist, or had none then nor the year before)
               CASE WHEN sqm.unit_existed(org, p.unit_id, sqm.prev(period)) AND (p.prv_n > 0 OR p.prv2_n > 0)
                    THEN p.prv_n::text ELSE '–' END AS previous_shown,
               NULL::text AS note, 0 AS ord
          FROM per_unit p
         WHERE p.cur_n > 0 OR p.prv_n > 0
        UNION ALL
        SELECT NULL, CASE sqm.label_language(org, lang) WHEN 'en' THEN 'Total' ELSE 'Totalt' END,
               t.cur_n, t.prv_n, t.cur_n::text, t.prv_n::text,
               CASE WHEN t.cur_units <> t.cur_n OR t.prv_units <> t.prv_n THEN
                    CASE sqm.label_language(org, lang)
                    WHEN 'en' THEN format('an investigation covering several units counts once per unit: the unit rows sum to %s (%s)', t.cur_units, t.prv_units)
                    ELSE format('en utredning som rör flera enheter räknas en gång per enhet: enhetsraderna summerar till %s (%s)', t.cur_units, t.prv_units) END
               END, 1
          FROM totals t
      ) x
     ORDER BY x.ord, x.unit COLLATE "C";
END;
COMMENT ON FUNCTION sqm.lex_sarah_per_unit(bigint, sqm.period, text) IS
  'Lex Sarah investigations completed in a period per unit of their reports, beside the previous period (– where that period''s table had no row); the total counts each investigation once and a note says so where the unit rows sum to more';

CREATE VIEW sqm.stat_lex_sarah_totals WITH (security_invoker = true) AS
WITH years AS (
    SELECT DISTINCT b.org_id, sqm.period_of('quality_year', d, o.quality_year_start) AS period
      FROM sqm.stat_lex_sarah_base b
      JOIN sqm.organisation o ON o.org_id OPERATOR(pg_catalog.=) b.org_id
     CROSS JOIN LATERAL unnest(ARRAY[b.opened_on, b.completed_on]) AS d
     WHERE d IS NOT NULL
)
SELECT y.org_id, y.period,
       (SELECT count(*) FROM sqm.lex_sarah_report r JOIN sqm.organisation o ON o.org_id OPERATOR(pg_catalog.=) r.org_id
         WHERE r.org_id OPERATOR(pg_catalog.=) y.org_id
           AND sqm.contains(y.period, (r.reported_at AT TIME ZONE o.time_zone)::date)) AS reports_received,
       (SELECT count(*) FROM sqm.stat_lex_sarah_base b
         WHERE b.org_id OPERATOR(pg_catalog.=) y.org_id AND sqm.contains(y.period, b.opened_on)) AS investigations_started,
       (SELECT count(*) FROM sqm.stat_lex_sarah_base b
         WHERE b.org_id OPERATOR(pg_catalog.=) y.org_id AND sqm.contains(y.period, b.completed_on)) AS investigations_completed,
       (SELECT count(*) FROM sqm.stat_lex_sarah_base b
         WHERE b.org_id OPERATOR(pg_catalog.=) y.org_id AND sqm.contains(y.period, b.completed_on) AND b.notified) AS notified_to_ivo
  FROM years y;
COMMENT ON VIEW sqm.stat_lex_sarah_totals IS
  'Per organisation and quality year: lex Sarah reports received, investigations started, investigations completed (the published figure) and how many of those were notified to IVO';

CREATE FUNCTION sqm.lex_sarah_outcomes(org bigint, period sqm.period, lang text DEFAULT NULL)
RETURNS TABLE (outcome sqm.lex_sarah_outcome, label text, investigations bigint, notified_to_ivo bigint)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    WITH labels(outcome, sv, en) AS (VALUES
        ('no_impropriety'::sqm.lex_sarah_outcome, 'inget missförhållande', 'no impropriety'),
        ('risk_of_impropriety', 'påtaglig risk för missförhållande', 'tangible risk of impropriety'),
        ('impropriety', 'missförhållande', 'impropriety'),
        ('risk_of_serious_impropriety', 'påtaglig risk för allvarligt missförhållande', 'tangible risk of serious impropriety'),
        ('serious_impropriety', 'allvarligt missförhållande', 'serious impropriety'))
    SELECT l.outcome, CASE sqm.label_language(org, lang) WHEN 'en' THEN l.en ELSE l.sv END,
           count(b.investigation_id), count(b.investigation_id) FILTER (WHERE b.notified)
      FROM labels l
      LEFT JOIN sqm.stat_lex_sarah_base b
        ON b.outcome = l.outcome AND b.org_id = org AND sqm.contains(period, b.completed_on)
     GROUP BY l.outcome, l.sv, l.en
     ORDER BY l.outcome;
END;
COMMENT ON FUNCTION sqm.lex_sarah_outcomes(bigint, sqm.period, text) IS
  'Outcomes of the lex Sarah investigations completed in a period, in order of severity, with how many were notified to IVO';

CREATE FUNCTION sqm.ivo_answers(org bigint, period sqm.period, lang text DEFAULT NULL)
RETURNS TABLE (answer text, label text, notifications bigint)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    WITH notified AS (
        SELECT n.id,
               (SELECT a.answer FROM sqm.ivo_answer a
                 WHERE a.org_id = n.org_id AND a.notification_id = n.id
                 ORDER BY a.answered_at DESC, a.id DESC LIMIT 1) AS last_answer,
               EXISTS (SELECT FROM sqm.ivo_answer a WHERE a.org_id = n.org_id AND a.notification_id = n.id
                          AND a.answer = 'supplement_requested') AS asked_more
          FROM sqm.ivo_notification n JOIN sqm.organisation o ON o.org_id = n.org_id
         WHERE n.org_id = org AND n.state = 'sent' AND sqm.contains(period, (n.sent_at AT TIME ZONE o.time_zone)::date)
    ), classified AS (
        SELECT CASE WHEN last_answer IS NULL THEN 'awaiting'
                    WHEN last_answer = 'closed_no_action' AND asked_more THEN 'closed_after_supplement'
                    ELSE last_answer END AS answer
          FROM notified
    ), labels(answer, ord, sv, en) AS (VALUES
        ('closed_no_action', 1, 'avslutat utan vidare åtgärd', 'closed without further action'),
        ('closed_after_supplement', 2, 'avslutat utan vidare åtgärd efter komplettering', 'closed without further action after supplementary information'),
        ('supplement_requested', 3, 'komplettering begärd', 'supplementary information requested'),
        ('criticism', 4, 'kritik', 'criticism'),
        ('other_decision', 5, 'annat beslut', 'other decision'),
        ('awaiting', 6, 'inget svar ännu', 'no answer yet'))
    SELECT l.answer, CASE sqm.label_language(org, lang) WHEN 'en' THEN l.en ELSE l.sv END,
           (SELECT count(*) FROM classified c WHERE c.answer = l.answer)
      FROM labels l ORDER BY l.ord;
END;
COMMENT ON FUNCTION sqm.ivo_answers(bigint, sqm.period, text) IS
  'IVO''s answers to the notifications sent in a period: closed without further action (after supplementary information or not), supplement requested, criticism, other decision, no answer yet';

CREATE FUNCTION sqm.lex_sarah_themes(org bigint, period sqm.period, lang text DEFAULT NULL)
RETURNS TABLE (theme text, label text, investigations bigint)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT t.code, CASE sqm.label_language(org, lang) WHEN 'en' THEN t.label_en ELSE t.label_sv END, count(*)
      FROM sqm.stat_lex_sarah_base b
      CROSS JOIN LATERAL unnest(b.themes) AS bt(code)
      JOIN sqm.lex_sarah_theme t ON t.org_id = b.org_id AND t.code = bt.code
     WHERE b.org_id = org AND sqm.contains(period, b.completed_on)
     GROUP BY t.code, t.label_sv, t.label_en
     ORDER BY count(*) DESC, t.code;
END;
COMMENT ON FUNCTION sqm.lex_sarah_themes(bigint, sqm.period, text) IS
  'Themes of the deficiencies found by the lex Sarah investigations completed in a period (an investigation with several themes counts under each)';

REVOKE ALL ON sqm.stat_lex_sarah_base, sqm.stat_lex_sarah_totals FROM PUBLIC;
REVOKE ALL ON FUNCTION sqm.lex_sarah_per_unit(bigint, sqm.period, text), sqm.lex_sarah_outcomes(bigint, sqm.period, text),
    sqm.ivo_answers(bigint, sqm.period, text), sqm.lex_sarah_themes(bigint, sqm.period, text)
FROM PUBLIC;
SELECT sqm.grant_privilege('lex_sarah', 'SELECT ON sqm.stat_lex_sarah_base, sqm.stat_lex_sarah_totals', '{readers}');
SELECT sqm.grant_privilege('lex_sarah', 'EXECUTE ON FUNCTION sqm.lex_sarah_per_unit(bigint, sqm.period, text),
    sqm.lex_sarah_outcomes(bigint, sqm.period, text), sqm.ivo_answers(bigint, sqm.period, text),
    sqm.lex_sarah_themes(bigint, sqm.period, text)', '{readers}');
