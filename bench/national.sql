-- The national database of make bench (issue 15): :orgs organisations sharing
-- one database for ten years (2016–2025), :per_year deviation reports per
-- organisation and year, with their lex Sarah reports, investigations, IVO
-- notifications and answers, and measures; 0.1 % of the cases are still open.
-- Run as a superuser in an empty database with sqm installed:
--
--     psql -v orgs=300 -v per_year=3333 -f bench/national.sql
--
-- How it is made (README, Benchmarks, "How the data bypasses the API"):
--
-- * Reference data -- organisations, units with a merge and a new unit, the
--   deviation types and lex Sarah themes -- go through the API.
-- * The cases are written set-based by a superuser with
--   session_replication_role = replica, so that no trigger fires: the
--   lifecycle engine, the row checks, the days, the audit, the outbox and the
--   registry are bypassed, and everything they would have written is written
--   here instead, consistently: every case row is a state its lifecycle
--   reaches by legal moves (the timestamps of each move, in order, at the
--   latest at the bench's now), its details row, the days it counts on in
--   the organisation's time zone, the lex Sarah reporter, records of every
--   required item, case links of the escalations, registry entries of the
--   IVO notifications and the outbox event of every new report (acknowledged).
--   What the API would also have written and this does not: the audit
--   trail.  Its hash chain is sequential per organisation (each event digests
--   the one before), so it cannot be written set-based at this size, and
--   nothing the bench measures reads it; sqm.verify() on this database
--   reports the cases as missing from the trail.  bench/national_check.sql
--   asks the rules of the row checks and guards of the rows (a sample of the
--   deviations) and counts the violations: 0.
-- * Rows are inserted in the order of their report time, the organisations
--   interleaved, as a shared database fills up: one organisation's rows of a
--   year are spread over the whole year's heap pages.
-- * Everything is derived from the row number by hashes, so two runs build
--   the same database.
\set ON_ERROR_STOP 1
\set QUIET 1
SET client_min_messages = warning;
-- the bench's now: every moment written is at the latest this
SET sqm.frozen_now = '2026-02-15 12:00+01';
SET TimeZone = 'Europe/Stockholm';
SET temp_buffers = '1GB';
SELECT set_config('bench.orgs', :'orgs', false), set_config('bench.per_year', :'per_year', false) \g /dev/null

-- ---------------------------------------------------------------- reference data (API)
CREATE TEMP TABLE b_org (n integer PRIMARY KEY, org_id bigint NOT NULL, units bigint[] NOT NULL);
DO $$
DECLARE
    n_orgs  integer := current_setting('bench.orgs')::integer;
    o       bigint;
    adm     bigint;
    deps    bigint[];
    units   bigint[];
    u       bigint;
BEGIN
    FOR i IN 1 .. n_orgs LOOP
        -- every tenth organisation reports by quality year (September–August)
        o := sqm.create_organisation(format('Socialnämnden %s', i), 'SN', CASE WHEN i % 10 = 0 THEN 9 ELSE 1 END);
        adm := sqm.create_unit(o, 'Socialförvaltningen', 'administration', '2015-01-01');
        deps := '{}';
        FOREACH u IN ARRAY ARRAY[1, 2, 3] LOOP
            deps := deps || sqm.create_unit(o, format('Avdelning %s', u), 'department', '2015-01-01', adm);
        END LOOP;
        units := '{}';
        FOR k IN 1 .. 12 LOOP
            units := units || sqm.create_unit(o, format('Enhet %s', k), 'unit', '2015-01-01', deps[1 + (k - 1) / 4]);
        END LOOP;
        -- unit 12 merged into unit 11 from 2021; unit 13 new in 2023
        PERFORM sqm.end_unit(o, units[12], '2020-12-31');
        PERFORM sqm.link_successor(o, units[12], units[11], '2021-01-01', 'merge');
        units := units || sqm.create_unit(o, 'Enhet 13', 'unit', '2023-01-01', deps[3]);
        PERFORM sqm.add_deviation_type(o, t.code, t.sv, t.en, '2015-01-01', NULL, t.regime)
           FROM (VALUES ('info', 'Informationsöverföring', 'Information transfer', 'SoL'),
                        ('rattssakerhet', 'Rättssäkerhet', 'Legal certainty', 'SoL'),
                        ('dokumentation', 'Dokumentation', 'Documentation', 'SoL'),
                        ('miljo', 'Fysisk miljö/teknik', 'Physical environment/technology', 'SoL'),
                        ('utford', 'Åtgärd ej eller felaktigt utförd', 'Action not or wrongly performed', 'SoL'),
                        ('bemotande', 'Bemötande', 'Treatment', 'SoL'),
                        ('fall', 'Fall', 'Fall', 'HSL'),
                        ('lakemedel', 'Läkemedel', 'Medication', 'HSL'),
                        ('sip', 'Samordnad individuell plan', 'Coordinated individual plan', 'collaboration')) t(code, sv, en, regime);
        PERFORM sqm.add_lex_sarah_theme(o, t.code, t.sv, t.en, '2015-01-01')
           FROM (VALUES ('rutiner', 'Rutiner', 'Routines'), ('kompetens', 'Kompetens', 'Competence'),
                        ('bemanning', 'Bemanning', 'Staffing'), ('kommunikation', 'Kommunikation', 'Communication')) t(code, sv, en);
        INSERT INTO b_org VALUES (i, o, units);
    END LOOP;
END
$$;
ANALYZE b_org;

-- ---------------------------------------------------------------- the deviations' plan
-- One row per deviation, g in report-time order over the ten years; its
-- organisation, unit, regime and fate from independent hashes of g (the
-- organisation from one, whether it is still open from another), and the
-- moment of each move it made.
--
-- Timelines (every move in order, all before now):
--   closed, no measure:  triaged +4 h, summary +3 d, closed +5 d with a reason why no measure
--                        (one in twenty late: triaged +6 d, summary +7 d, closed +8 d)
--   closed with measure: … summary +3 d, measure planned +3 d, done by its due date (+14 d),
--                        evaluated +28 d, followed up and closed +30 d
--   escalated:           triaged +4 h, escalated +1 d, summary +5 d, closed +40 d
--   withdrawn:           triaged +4 h, withdrawn
--   stuck (0.1 %, open): 0 reported, 1 triaged, 2 investigating with its summary, 3 measures decided
--                        (a planned measure); an escalated one stays escalated
--   collaboration sent:  the receiver replies +10 d (a stuck one: not yet)
SELECT nextval('sqm.case_id_seq') AS id_base \gset
SET work_mem = '1GB';
CREATE TEMP TABLE b_dev_row AS
WITH p AS (
    SELECT current_setting('bench.orgs')::integer AS n_orgs,
           current_setting('bench.orgs')::bigint * current_setting('bench.per_year')::bigint * 10 AS total,
           timestamptz '2016-01-01 00:00' AS t0,
           timestamptz '2026-01-01 00:00' - timestamptz '2016-01-01 00:00' AS span
), h AS (
    SELECT g, p.n_orgs,
           p.t0 + (g - 1) * (p.span / p.total) AS t,
           abs(hashint8extended(g, 1)) AS h1, abs(hashint8extended(g, 2)) AS h2, abs(hashint8extended(g, 3)) AS h3,
           abs(hashint8extended(g, 4)) AS h4, abs(hashint8extended(g, 5)) AS h5
      FROM p, generate_series(1, p.total) g
), d AS (
    SELECT h.g, :id_base + h.g AS id, o.org_id,
           -- units 1–11, 12 until 2020, 13 from 2023 (the row check: the unit existed on the report date)
           o.units[CASE WHEN k.u = 12 AND h.t >= '2021-01-01' THEN 11
                        WHEN k.u = 13 AND h.t < '2023-01-01' THEN 1 + h.h4 % 11
                        ELSE k.u END] AS unit_id,
           h.t AS reported_at,
           h.t - (h.h4 % 72) * interval '1 hour' - interval '10 minutes' AS happened_at,
           CASE WHEN h.h2 % 100 < 80 THEN 'SoL' WHEN h.h2 % 100 < 88 THEN 'LSS' WHEN h.h2 % 100 < 96 THEN 'HSL'
                ELSE 'collaboration' END AS regime,
           h.h5 % 1000 = 0 AS stuck,
           (h.h3 / 1000) % 4 AS stuck_stage,
           h.h2 % 100 < 88 AND h.h3 % 100 = 0 AS escalated,
           h.h2 % 100 < 88 AND h.h3 % 100 <> 0 AND h.h5 % 1000 <> 0 AND h.h3 % 1000 = 1 AS withdrawn,
           h.h3 % 100 BETWEEN 1 AND 10 AS with_measure,     -- ~10 % decide a measure
           h.h4 AS h
      FROM h
      JOIN b_org o ON o.n = 1 + h.h1 % h.n_orgs
     CROSS JOIN LATERAL (SELECT 1 + (h.h2 / 100) % 13 AS u) k
), f AS (
    SELECT d.*,
           NOT d.escalated AND NOT d.withdrawn AND ((NOT d.stuck AND d.with_measure) OR (d.stuck AND d.stuck_stage = 3)) AS measured,
           CASE WHEN d.escalated AND d.stuck THEN 'escalated'
                WHEN d.escalated THEN 'closed'
                WHEN d.withdrawn THEN 'withdrawn'
                WHEN d.stuck THEN (ARRAY['reported', 'triaged', 'investigating', 'measures_decided'])[1 + d.stuck_stage]
                ELSE 'closed' END AS state
      FROM d
)
SELECT f.g, f.org_id, f.id, f.unit_id, f.regime, f.happened_at, f.reported_at, f.stuck, f.escalated, f.withdrawn,
       f.measured, f.state,
       CASE f.regime WHEN 'collaboration' THEN ARRAY['sip']
            WHEN 'HSL' THEN ARRAY[(ARRAY['fall', 'lakemedel'])[1 + f.h % 2]]
            ELSE CASE WHEN f.h % 10 = 0
                      THEN ARRAY[(ARRAY['info', 'rattssakerhet', 'dokumentation', 'miljo', 'utford', 'bemotande'])[1 + (f.h / 10) % 6],
                                 (ARRAY['info', 'rattssakerhet', 'dokumentation', 'miljo', 'utford', 'bemotande'])[1 + ((f.h / 10) % 6 + 1) % 6]]
                      ELSE ARRAY[(ARRAY['info', 'rattssakerhet', 'dokumentation', 'miljo', 'utford', 'bemotande'])[1 + (f.h / 10) % 6]] END
       END AS types,
       c.collab_direction,
       (ARRAY['low', 'moderate', 'high'])[1 + (f.h / 3) % 3] AS severity,
       CASE WHEN f.state = 'reported' THEN NULL
            -- one in twenty triaged late (not an escalated one: it is triaged before its escalation)
            WHEN f.h % 20 = 0 AND NOT f.escalated THEN f.reported_at + interval '6 days'
            ELSE f.reported_at + interval '4 hours' END AS triaged_at,
       CASE WHEN f.state IN ('reported', 'triaged', 'withdrawn') THEN NULL
            WHEN f.escalated THEN CASE WHEN f.stuck THEN NULL ELSE f.reported_at + interval '5 days' END
            WHEN f.h % 20 = 0 THEN f.reported_at + interval '7 days'
            ELSE f.reported_at + interval '3 days' END AS investigated_at,
       CASE WHEN f.escalated THEN f.reported_at + interval '1 day' END AS escalated_at,
       CASE WHEN f.state <> 'closed' THEN NULL
            WHEN f.escalated THEN f.reported_at + interval '40 days'
            WHEN f.measured THEN f.reported_at + interval '30 days'
            WHEN f.h % 20 = 0 THEN f.reported_at + interval '8 days'
            ELSE f.reported_at + interval '5 days' END AS closed_at,
       CASE WHEN c.collab_direction = 'sent' AND NOT f.stuck THEN f.reported_at + interval '10 days' END AS collab_replied_at,
       f.h
  FROM f
 CROSS JOIN LATERAL (SELECT CASE WHEN f.regime = 'collaboration' THEN (ARRAY['received', 'sent'])[1 + (f.h / 7) % 2] END
                            AS collab_direction) c;

-- ---------------------------------------------------------------- deviations (bypassing the API)
SET session_replication_role = replica;

INSERT INTO sqm.deviation (org_id, id, state, unit_id, regime, happened_at, reported_at, types,
                           collab_direction, collab_counterpart, collab_reply_due, collab_replied_at,
                           severity, triaged_at, investigated_at, escalated_at, closed_at,
                           reported_on, investigated_on, escalated_on, closed_on)
SELECT d.org_id, d.id, d.state, d.unit_id, d.regime, d.happened_at, d.reported_at, d.types,
       d.collab_direction, CASE WHEN d.regime = 'collaboration' THEN 'Regionen' END,
       CASE WHEN d.regime = 'collaboration' THEN (d.reported_at AT TIME ZONE 'Europe/Stockholm')::date + 60 END,
       d.collab_replied_at,
       CASE WHEN d.triaged_at IS NOT NULL THEN d.severity END, d.triaged_at, d.investigated_at, d.escalated_at, d.closed_at,
       (d.reported_at AT TIME ZONE 'Europe/Stockholm')::date, (d.investigated_at AT TIME ZONE 'Europe/Stockholm')::date,
       (d.escalated_at AT TIME ZONE 'Europe/Stockholm')::date, (d.closed_at AT TIME ZONE 'Europe/Stockholm')::date
  FROM b_dev_row d
 ORDER BY d.g;

INSERT INTO sqm.deviation_detail (org_id, id, reported_by, description, summary, no_measure_reason, withdrawn_reason)
SELECT d.org_id, d.id, 'medarbetare ' || (d.h % 500), 'Händelse ' || d.g,
       CASE WHEN d.investigated_at IS NOT NULL THEN 'Utredd: rutinen följdes inte' END,
       CASE WHEN d.state = 'closed' AND NOT d.measured THEN 'Felet rättades direkt; ingen åtgärd behövs' END,
       CASE WHEN d.withdrawn THEN 'Rapporterad av misstag' END
  FROM b_dev_row d
 ORDER BY d.g;

-- ---------------------------------------------------------------- measures
SELECT :id_base + count(*) + 1 AS id_measure FROM b_dev_row \gset
CREATE TEMP TABLE b_measure AS
SELECT d.g, :id_measure + row_number() OVER (ORDER BY d.g) - 1 AS id, d.org_id, d.id AS dev_id, d.unit_id,
       d.investigated_at + interval '1 hour' AS planned_at,
       (d.reported_at AT TIME ZONE 'Europe/Stockholm')::date + 14 AS due_on,
       (d.reported_at AT TIME ZONE 'Europe/Stockholm')::date + 28 AS follow_up_on,
       d.stuck, d.h
  FROM b_dev_row d
 WHERE d.measured;
INSERT INTO sqm.measure (org_id, id, state, unit_id, source_kind, source_id, term, due_on, follow_up_on, planned_at,
                         done_at, effect, evaluated_at)
SELECT m.org_id, m.id, CASE WHEN m.stuck THEN 'planned' ELSE 'evaluated' END, m.unit_id, 'deviation', m.dev_id, 'short',
       m.due_on, m.follow_up_on, m.planned_at,
       -- one in ten is carried out a few days late
       CASE WHEN NOT m.stuck THEN (m.due_on::timestamp AT TIME ZONE 'Europe/Stockholm')
                                  + CASE WHEN m.h % 10 = 0 THEN interval '3 days 10 hours' ELSE interval '-2 days 10 hours' END END,
       CASE WHEN NOT m.stuck THEN (ARRAY['yes', 'partly'])[1 + m.h % 2] END,
       CASE WHEN NOT m.stuck THEN (m.follow_up_on::timestamp AT TIME ZONE 'Europe/Stockholm') + interval '10 hours' END
  FROM b_measure m
 ORDER BY m.g;
INSERT INTO sqm.measure_detail (org_id, id, title, responsible)
SELECT m.org_id, m.id, 'Genomgång av rutinen på APT', 'enhetschef' FROM b_measure m ORDER BY m.g;

-- ---------------------------------------------------------------- lex Sarah
-- Every escalated deviation led to a lex Sarah report (source deviation,
-- linked escalated_to), assigned to an investigation of its own.
--   report:        reported at the escalation, received +3 h, assigned +1 d (one in eight late: +4 d)
--   investigation: opened at the assignment, protective action recorded +4 h, started +2 d,
--                  assessed +20 d, completed +30 d (the required items recorded the day before),
--                  closed +35 d; one in ten without impropriety closes early (+5 d)
--   serious (15 %): IVO notification drafted and sent +1 d / +2 d after the assessment,
--                  IVO answers +60 d
--   stuck (open):  0 not assigned, 1 opened, 2 under investigation, 3 assessed (serious: a draft)
SELECT :id_measure + (SELECT count(*) FROM b_measure) AS id_ls \gset
CREATE TEMP TABLE b_ls AS
SELECT d.g, d.org_id, d.id AS dev_id, d.unit_id, d.regime, d.happened_at, d.escalated_at AS reported_at, d.stuck,
       CASE WHEN d.stuck THEN d.h % 4 END AS stage, d.h,
       :id_ls + 4 * (row_number() OVER (ORDER BY d.g) - 1) AS report_id,
       :id_ls + 4 * (row_number() OVER (ORDER BY d.g) - 1) + 1 AS inv_id,
       :id_ls + 4 * (row_number() OVER (ORDER BY d.g) - 1) + 2 AS link_id,
       :id_ls + 4 * (row_number() OVER (ORDER BY d.g) - 1) + 3 AS ivo_id,
       (ARRAY['no_impropriety', 'no_impropriety', 'no_impropriety', 'no_impropriety', 'no_impropriety', 'no_impropriety', 'no_impropriety', 'no_impropriety',
              'risk_of_impropriety', 'risk_of_impropriety', 'risk_of_impropriety', 'risk_of_impropriety',
              'impropriety', 'impropriety', 'impropriety', 'impropriety', 'impropriety',
              'risk_of_serious_impropriety', 'risk_of_serious_impropriety', 'serious_impropriety'])[1 + (d.h / 4) % 20]::sqm.lex_sarah_outcome
           AS outcome
  FROM b_dev_row d
 WHERE d.escalated;
ALTER TABLE b_ls ADD COLUMN received_at timestamptz, ADD COLUMN assigned_at timestamptz, ADD COLUMN started_at timestamptz,
                 ADD COLUMN assessed_at timestamptz, ADD COLUMN completed_at timestamptz, ADD COLUMN closed_at timestamptz,
                 ADD COLUMN early boolean, ADD COLUMN serious boolean, ADD COLUMN inv_state text;
UPDATE b_ls SET
    received_at = reported_at + interval '3 hours',
    assigned_at = CASE WHEN stage = 0 THEN NULL
                       WHEN h % 8 = 0 THEN reported_at + interval '4 days' ELSE reported_at + interval '1 day' END,
    early = NOT stuck AND outcome = 'no_impropriety' AND (h / 80) % 10 = 0,
    serious = sqm.is_serious(outcome) AND (NOT stuck OR stage = 3);
UPDATE b_ls SET
    started_at = CASE WHEN stage IN (0, 1) THEN NULL ELSE assigned_at + interval '2 days' END,
    assessed_at = CASE WHEN stage IN (0, 1, 2) THEN NULL
                       WHEN early THEN assigned_at + interval '7 days' ELSE assigned_at + interval '22 days' END,
    completed_at = CASE WHEN stuck OR early THEN NULL ELSE assigned_at + interval '32 days' END,
    closed_at = CASE WHEN stuck THEN NULL WHEN early THEN assigned_at + interval '7 days' ELSE assigned_at + interval '37 days' END,
    inv_state = CASE WHEN stage = 0 THEN NULL WHEN stage = 1 THEN 'opened' WHEN stage = 2 THEN 'under_investigation'
                     WHEN stage = 3 THEN 'assessed' ELSE 'closed' END;

INSERT INTO sqm.lex_sarah_investigation (org_id, id, state, unit_id, opened_at, started_at, assessed_at, completed_at, closed_at,
                                         outcome, seriousness_decided_at, themes, opened_on, completed_on)
SELECT l.org_id, l.inv_id, l.inv_state, l.unit_id, l.assigned_at, l.started_at, l.assessed_at, l.completed_at, l.closed_at,
       CASE WHEN l.assessed_at IS NOT NULL THEN CASE WHEN l.early THEN 'no_impropriety' ELSE l.outcome END END,
       CASE WHEN l.assessed_at IS NOT NULL AND l.serious THEN l.assessed_at END,
       CASE WHEN l.assessed_at IS NULL OR l.early THEN '{}'::text[]
            WHEN l.h % 3 = 0 THEN ARRAY[(ARRAY['bemanning', 'kommunikation', 'kompetens', 'rutiner'])[1 + (l.h / 3) % 4],
                                        (ARRAY['bemanning', 'kommunikation', 'kompetens', 'rutiner'])[1 + ((l.h / 3) % 4 + 1) % 4]]
            ELSE ARRAY[(ARRAY['bemanning', 'kommunikation', 'kompetens', 'rutiner'])[1 + (l.h / 3) % 4]] END,
       (l.assigned_at AT TIME ZONE 'Europe/Stockholm')::date,
       (coalesce(l.completed_at, l.closed_at) AT TIME ZONE 'Europe/Stockholm')::date
  FROM b_ls l
 WHERE l.assigned_at IS NOT NULL
 ORDER BY l.g;
INSERT INTO sqm.lex_sarah_investigation_detail (org_id, id, early_position, seriousness_decided_by)
SELECT l.org_id, l.inv_id, CASE WHEN l.early THEN 'Det stod klart direkt att det inte var ett missförhållande' END,
       CASE WHEN l.assessed_at IS NOT NULL AND l.serious THEN 'kvalitetssamordnare' END
  FROM b_ls l WHERE l.assigned_at IS NOT NULL ORDER BY l.g;

INSERT INTO sqm.lex_sarah_report (org_id, id, state, unit_id, regime, happened_at, reported_at, received_at, source,
                                  legal_basis, investigation_id, assigned_at, reported_on)
SELECT l.org_id, l.report_id, CASE WHEN l.assigned_at IS NULL THEN 'reported' ELSE 'assigned' END, l.unit_id, l.regime,
       l.happened_at, l.reported_at, l.received_at, 'deviation',
       CASE WHEN (l.happened_at AT TIME ZONE 'Europe/Stockholm')::date < '2025-07-01'
            THEN CASE l.regime WHEN 'SoL' THEN 'sol_2001_ch14' ELSE 'lss_24b_24g' END
            ELSE CASE l.regime WHEN 'SoL' THEN 'sol_2025_ch27' ELSE 'lss_sol_2025_ch27' END END,
       CASE WHEN l.assigned_at IS NOT NULL THEN l.inv_id END, l.assigned_at,
       (l.reported_at AT TIME ZONE 'Europe/Stockholm')::date
  FROM b_ls l
 ORDER BY l.g;
INSERT INTO sqm.lex_sarah_report_detail (org_id, id, description)
SELECT l.org_id, l.report_id, 'Händelse ' || l.g FROM b_ls l ORDER BY l.g;
INSERT INTO sqm.lex_sarah_reporter (org_id, report_id, unit_id, name, title, entered_by)
SELECT l.org_id, l.report_id, l.unit_id, 'medarbetare ' || (l.h % 500), 'undersköterska', 'medarbetare ' || (l.h % 500)
  FROM b_ls l ORDER BY l.g;
INSERT INTO sqm.case_link (org_id, id, state, from_kind, from_id, relation, to_kind, to_id, created_at, created_by)
SELECT l.org_id, l.link_id, 'linked', 'deviation', l.dev_id, 'escalated_to', 'lex_sarah_report', l.report_id,
       l.reported_at, 'kvalitetssamordnare'
  FROM b_ls l ORDER BY l.g;

SELECT :id_ls + 4 * (SELECT count(*) FROM b_ls) AS id_rec \gset
-- The documentation: the protective action as soon as it is opened, the
-- required items (SOSFS 2011:5 ch. 5) the day before completion.
INSERT INTO sqm.lex_sarah_record (org_id, id, investigation_id, item, content, recorded_at, source, nature,
                                  recorded_by_name, recorded_by_title, measure_date, entered_at, entered_by)
SELECT l.org_id, :id_rec + row_number() OVER (ORDER BY r.at, l.g, i.ord), l.inv_id, i.item, 'Dokumenterat: ' || i.item, r.at, 'intervju',
       CASE WHEN i.item IN ('causes', 'recurrence_risk', 'position') THEN 'assessment' ELSE 'fact' END,
       'utredare', 'socialt ansvarig samordnare',
       CASE WHEN i.item = 'measure' THEN (r.at AT TIME ZONE 'Europe/Stockholm')::date END, r.at, 'utredare'
  FROM b_ls l
 CROSS JOIN sqm.lex_sarah_item i
 CROSS JOIN LATERAL (SELECT CASE WHEN i.item = 'protective_action' THEN l.assigned_at + interval '4 hours'
                                 ELSE l.completed_at - interval '1 day' END AS at) r
 WHERE l.assigned_at IS NOT NULL
   AND (i.item = 'protective_action' OR (i.required AND l.completed_at IS NOT NULL))
 ORDER BY r.at;

-- IVO notifications of the serious ones: sent, or a draft for a stuck one.
CREATE TEMP TABLE b_ivo AS
SELECT l.*, l.assessed_at + interval '1 day' AS drafted_at,
       CASE WHEN NOT l.stuck THEN l.assessed_at + interval '2 days' END AS sent_at,
       CASE WHEN NOT l.stuck THEN format('%s.%s SN', extract(year FROM (l.assessed_at + interval '2 days') AT TIME ZONE 'Europe/Stockholm'),
                                          lpad((row_number() OVER (PARTITION BY l.org_id, l.stuck,
                                                extract(year FROM (l.assessed_at + interval '2 days') AT TIME ZONE 'Europe/Stockholm')
                                                ORDER BY l.g))::text, 3, '0'))::sqm.regnr END AS regnr
  FROM b_ls l
 WHERE l.serious AND l.assessed_at IS NOT NULL;
INSERT INTO sqm.ivo_notification (org_id, id, state, unit_id, investigation_id, drafted_at, decided_at, sent_at, regnr, sent_on)
SELECT v.org_id, v.ivo_id, CASE WHEN v.sent_at IS NULL THEN 'draft' ELSE 'sent' END, v.unit_id, v.inv_id, v.drafted_at,
       v.sent_at, v.sent_at, v.regnr, (v.sent_at AT TIME ZONE 'Europe/Stockholm')::date
  FROM b_ivo v ORDER BY v.g;
INSERT INTO sqm.ivo_notification_detail (org_id, id, contents, decided_by)
SELECT v.org_id, v.ivo_id, 'Anmälan enligt lex Sarah', CASE WHEN v.sent_at IS NOT NULL THEN 'kvalitetssamordnare' END
  FROM b_ivo v ORDER BY v.g;
INSERT INTO sqm.registry_entry (org_id, regnr, kind, object_id, column_name, registered_at, registered_by)
SELECT v.org_id, v.regnr, 'ivo_notification', v.ivo_id, 'regnr', v.sent_at, 'kvalitetssamordnare'
  FROM b_ivo v WHERE v.sent_at IS NOT NULL ORDER BY v.g;
SELECT :id_rec + (SELECT count(*) FROM sqm.lex_sarah_record) AS id_ans \gset
INSERT INTO sqm.ivo_answer (org_id, id, notification_id, answered_at, answer, note, entered_by, answered_on)
SELECT v.org_id, :id_ans + row_number() OVER (ORDER BY v.sent_at, v.g), v.ivo_id, v.sent_at + interval '60 days',
       (ARRAY['closed_no_action', 'closed_no_action', 'closed_no_action', 'closed_no_action', 'closed_no_action',
              'closed_no_action', 'closed_no_action', 'criticism', 'criticism', 'other_decision'])[1 + (v.h / 9) % 10],
       'Beslut från IVO', 'kvalitetssamordnare', ((v.sent_at + interval '60 days') AT TIME ZONE 'Europe/Stockholm')::date
  FROM b_ivo v
 WHERE v.sent_at IS NOT NULL AND v.sent_at + interval '60 days' <= sqm.now()
 ORDER BY v.sent_at;

-- ---------------------------------------------------------------- the outbox: every new report, announced and acknowledged
-- (numbered per organisation in the order of the reports, as the audit trigger would)
INSERT INTO sqm.outbox (org_id, seq, at, kind, object_id, unit_id, event, acknowledged_at, acknowledged_by)
SELECT x.org_id, row_number() OVER (PARTITION BY x.org_id ORDER BY x.at, x.kind, x.id), x.at, x.kind, x.id, x.unit_id, 'new',
       x.at + interval '5 minutes', 'verksamhetssystem'
  FROM (SELECT d.org_id, d.reported_at AS at, 'deviation' AS kind, d.id, d.unit_id FROM b_dev_row d
        UNION ALL
        SELECT l.org_id, l.reported_at, 'lex_sarah_report', l.report_id, l.unit_id FROM b_ls l) x
 ORDER BY x.at;

RESET session_replication_role;
SELECT setval('sqm.case_id_seq', :id_ans + (SELECT count(*) FROM sqm.ivo_answer) + 1) \g /dev/null

-- ---------------------------------------------------------------- the backlog, announced by a sweep
-- The database as it stands between two scheduled sweeps: what is due soon
-- or overdue was announced by an earlier sweep (through the API), and the
-- VACUUM after building (bench/national.sh) covers its outbox events as
-- autovacuum would have since.  Announced only by the first timed run
-- instead, every sweep timed after it read each event's heap page (its
-- page not yet all-visible): 7 800 heap fetches at national scale, a
-- state that lasts until the next autovacuum, not the steady one.
SELECT sqm.sweep() \g /dev/null
