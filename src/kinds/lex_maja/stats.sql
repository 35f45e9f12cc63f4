-- Statistics of lex Maja reports (domain.md §3.5, §6): counted per year.  A
-- report counts in the period of its registration date, in the
-- organisation's time zone (sqm.lex_maja.registered_on, kept by
-- sqm.count_days); a withdrawn report is not counted.  The view is
-- security_invoker and shows no personal data, free text, exact time or
-- registry number.

CREATE INDEX lex_maja_registered_on_idx ON sqm.lex_maja (org_id, registered_on);

CREATE FUNCTION sqm.stat_lex_maja_summary_of(org bigint, first_day date, last_day date)
RETURNS TABLE (reports integer, sent_to_county_board integer, sent_to_police integer, not_sent integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 1
SET search_path = pg_catalog, pg_temp
SET jit = off
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
        SELECT pg_catalog.count(*)::integer,
               pg_catalog.count(*) FILTER (WHERE m.recipient OPERATOR(pg_catalog.=) 'county_board')::integer,
               pg_catalog.count(*) FILTER (WHERE m.recipient OPERATOR(pg_catalog.=) 'police')::integer,
               pg_catalog.count(*) FILTER (WHERE m.recipient IS NULL)::integer
          FROM sqm.lex_maja m
         WHERE m.org_id OPERATOR(pg_catalog.=) org
           AND m.registered_on OPERATOR(pg_catalog.>=) first_day AND m.registered_on OPERATOR(pg_catalog.<=) last_day
           AND m.state OPERATOR(pg_catalog.<>) 'withdrawn';
END
$$;
COMMENT ON FUNCTION sqm.stat_lex_maja_summary_of(bigint, date, date) IS
  'The lex Maja reports of a period (by registration date), and to whom they were sent (sqm.stat_lex_maja_summary)';

CREATE VIEW sqm.stat_lex_maja_summary WITH (security_invoker = true) AS
SELECT p.org_id, p.period, p.period_kind, p.first_day, p.last_day, p.previous_period,
       x.reports, x.sent_to_county_board, x.sent_to_police, x.not_sent
  FROM sqm.stat_period p,
       LATERAL sqm.stat_lex_maja_summary_of(p.org_id, p.first_day, p.last_day) x
 ORDER BY p.org_id, p.first_day, p.last_day DESC;

SELECT sqm.register_stat_view('sqm.stat_lex_maja_summary', 'lex_maja',
  'Lex Maja-anmälningar per år', 'Lex Maja reports per year',
  'Lex Maja reports (animals in distress found by staff) per period (the counts per year: period_kind year), by registration date in the organisation''s time zone, and to whom they were sent; withdrawn reports are not counted',
  columns => '{"reports": "Lex Maja reports registered in the period",
               "sent_to_county_board": "Of which sent to the county administrative board (the control authority for animal welfare)",
               "sent_to_police": "Of which sent to the police", "not_sent": "Of which not (yet) sent"}');

REVOKE ALL ON FUNCTION sqm.stat_lex_maja_summary_of(bigint, date, date) FROM PUBLIC;
SELECT sqm.grant_privilege('lex_maja', 'EXECUTE ON FUNCTION sqm.stat_lex_maja_summary_of(bigint, date, date)', '{readers}');

-- The chapter of lex Maja in the quality report (doc/report.md).
SELECT sqm.register_report_chapter('lex_maja', 50, 'Lex Maja', 'Lex Maja',
  'Personal inom socialtjänsten som hittar ett djur som far illa får, trots sekretessen, anmäla det till länsstyrelsen eller Polismyndigheten (10 kap. 20 a § offentlighets- och sekretesslagen, lex Maja). Anmälan registreras i diariet och räknas det år den registrerades.',
  'Social services staff who find an animal in distress may, despite confidentiality, report it to the county administrative board or the police (chapter 10 section 20 a of the Public Access to Information and Secrecy Act, lex Maja). The report is registered in the registry and counts in the year it was registered.',
  builtin => true);

SELECT sqm.register_report_section('lex_maja_per_year', 'lex_maja', 10,
  'Lex Maja-anmälningar per år', 'Lex Maja reports per year',
  'sqm.stat_lex_maja_summary', 'period', 'År', 'Year',
  '[{"column": "reports", "label_sv": "Anmälningar", "label_en": "Reports"},
    {"column": "sent_to_county_board", "label_sv": "Till länsstyrelsen", "label_en": "To the county administrative board"},
    {"column": "sent_to_police", "label_sv": "Till polisen", "label_en": "To the police"}]',
  layout => 'years', builtin => true);
